"""moto's ThreadedMotoServer over HTTPS with IAM enforced, and the principals that call it.

Enforcement: moto authorises nothing until ``/moto-api/reset-auth`` sets how many calls may still
pass unchecked. ``MotoIam.start`` creates an all-powerful admin while checks are still off (three
IAM calls), then sets that count to 0: from then on every request must be signed by a known key and
allowed by that principal's policies. moto's state (and this setting) is global to the process, so
``stop`` turns enforcement off again for the other tests' moto servers.

A small WSGI recorder keeps (method, path, status, access key, X-Amz-Target) of every request, so a test can
show which request a policy refused.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from urllib.parse import unquote

import requests

from .tls import Tls

__all__ = ["Creds", "MotoIam", "Request"]

REGION = "us-east-1"
ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # unquoted, without the query
    query: str
    status: int
    access_key: str
    target: str = ""  # X-Amz-Target of a JSON-protocol call (Glue, Secrets Manager...): its operation


@dataclass(frozen=True)
class Creds:
    """An IAM principal's access key, and how to reach the server with it."""

    access_key: str
    secret_key: str
    endpoint: str
    ca_bundle: str
    arn: str = ""

    def client(self, service: str):
        import boto3
        from botocore.config import Config

        return boto3.session.Session(
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key, region_name=REGION
        ).client(
            service,
            endpoint_url=self.endpoint,
            verify=self.ca_bundle,
            config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
        )

    def environment(self) -> dict[str, str]:
        """What a process (or boto3's default chain in this one) needs to act as this principal."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_CA_BUNDLE": self.ca_bundle,
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }


class _Recorder:
    def __init__(self, app):
        self.app = app
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        seen = {}

        def recording_start(status, headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, recording_start))
        auth = environ.get("HTTP_AUTHORIZATION", "")
        key = auth.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in auth else ""
        raw = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
        request = Request(
            environ["REQUEST_METHOD"],
            unquote(raw.split("?", 1)[0]),
            environ.get("QUERY_STRING", ""),
            seen.get("status", 0),
            key,
            environ.get("HTTP_X_AMZ_TARGET", ""),
        )
        with self._lock:
            self.requests.append(request)
        return [body]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class MotoIam:
    tls: Tls
    port: int = field(default_factory=_free_port)

    def __post_init__(self):
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from moto.server import ThreadedMotoServer
        from werkzeug.serving import make_server

        self.recorder = _Recorder(DomainDispatcherApplication(create_backend_app))
        recorder, tls = self.recorder, self.tls

        class _Server(ThreadedMotoServer):
            def _server_entry(self):  # moto's own, with the recorder and TLS
                self._server = make_server(
                    self._ip_address,
                    self._port,
                    recorder,
                    True,
                    request_handler=MotoRequestHandler,
                    ssl_context=(tls.cert, tls.key),
                )
                self._server_ready_event.set()
                self._server.serve_forever()

        self._server = _Server(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.admin: Creds | None = None

    @property
    def endpoint(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def _unchecked_calls(self, count: float) -> None:
        answer = requests.post(
            f"{self.endpoint}/moto-api/reset-auth", data=str(count).encode(), timeout=10, verify=self.tls.cert
        )
        answer.raise_for_status()

    def start(self) -> Creds:
        """Start the server, create the admin, enforce IAM; return the admin's credentials."""
        self._server.start()
        self._unchecked_calls(3)  # exactly the admin's three calls below
        bootstrap = Creds("bootstrap", "bootstrap", self.endpoint, self.tls.cert).client("iam")
        user = bootstrap.create_user(UserName="admin")["User"]
        bootstrap.put_user_policy(
            UserName="admin", PolicyName="admin", PolicyDocument=json.dumps(ADMIN_POLICY)
        )
        key = bootstrap.create_access_key(UserName="admin")["AccessKey"]
        self._unchecked_calls(0)
        self.admin = Creds(
            key["AccessKeyId"], key["SecretAccessKey"], self.endpoint, self.tls.cert, user["Arn"]
        )
        return self.admin

    def user(self, name: str, policies: dict[str, dict]) -> Creds:
        """A new IAM user whose only permissions are ``policies`` (managed, attached)."""
        iam = self.admin.client("iam")
        user = iam.create_user(UserName=name)["User"]
        for policy_name, document in policies.items():
            arn = iam.create_policy(PolicyName=f"{name}-{policy_name}", PolicyDocument=json.dumps(document))
            iam.attach_user_policy(UserName=name, PolicyArn=arn["Policy"]["Arn"])
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return Creds(key["AccessKeyId"], key["SecretAccessKey"], self.endpoint, self.tls.cert, user["Arn"])

    def refused(self, since: int = 0, access_key: str | None = None) -> list[Request]:
        """Requests answered 403 (after the ``since``-th request), optionally of one principal."""
        return [
            r
            for r in self.recorder.requests[since:]
            if r.status == 403 and (access_key is None or r.access_key == access_key)
        ]

    def stop(self) -> None:
        """Turn enforcement off (process-wide in moto) and stop; wipes this server's state."""
        try:
            self._unchecked_calls(float("inf"))
            requests.post(f"{self.endpoint}/moto-api/reset", timeout=10, verify=self.tls.cert)
        finally:
            self._server.stop()
