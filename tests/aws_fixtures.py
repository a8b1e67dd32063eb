"""Shared AWS fixtures: one moto server over real HTTP on 127.0.0.1 for the test module.

Import the fixtures into a test module (``from aws_fixtures import aws, moto_server``); boto3
clients reach the server through AWS_ENDPOINT_URL, with dummy credentials and us-east-1.
"""

from __future__ import annotations

import base64
import socket

import pytest

__all__ = ["aws", "client", "moto_server", "secret_versions_holding"]

REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def moto_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws(moto_server, monkeypatch):
    """Environment pointing every boto3 client at the moto server; the server is reset first."""
    import requests

    requests.post(f"{moto_server}/moto-api/reset", timeout=10)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": moto_server,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    return moto_server


def client(service: str):
    import boto3

    return boto3.client(service, region_name=REGION)


def secret_versions_holding(sm, key: bytes) -> list[tuple[str, str]]:
    """(secret, version or stage) of every secret version Secrets Manager returns that holds
    ``key`` (raw, base64 or hex): every secret, planned deletions included, every version id,
    deprecated ones included, and every staging label."""
    forms = [key, base64.b64encode(key), key.hex().encode()]
    found = []
    names = [s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]]
    for name in names:
        versions = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]
        reads = [("VersionId", v["VersionId"]) for v in versions]
        reads += [("VersionStage", s) for s in ("AWSCURRENT", "AWSPREVIOUS", "AWSPENDING")]
        for field, value in reads:
            try:
                got = sm.get_secret_value(SecretId=name, **{field: value})
            except sm.exceptions.ResourceNotFoundException:
                continue
            body = (got.get("SecretString") or "").encode() + (got.get("SecretBinary") or b"")
            if any(f in body for f in forms):
                found.append((name, value))
    return found
