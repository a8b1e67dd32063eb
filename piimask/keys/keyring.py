"""The keyring: per-window direct-identifier keys and the token key, from file:, env: or
secretsmanager: references. Key bytes never appear in a repr, message, log or audit record."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

from piimask.errors import Refused, UsageError
from piimask.expr.windows import WINDOW_PATTERNS, shift_window, window_id

__all__ = [
    "Keyring",
    "KeyringError",
    "KeyringRef",
    "KeyringUsageError",
    "MIN_KEY_BYTES",
    "new_keyring",
    "parse_ref",
    "retire_previous_version",
]

MIN_KEY_BYTES = 32
SCHEMES = ("file", "env", "secretsmanager")


class KeyringError(Refused):
    """The keyring is missing, malformed, too weak, or lacks a needed window key (exit 1)."""


class KeyringUsageError(UsageError):
    """The keyring reference is not understood, or its store cannot be read or reached (exit 2)."""


@dataclass(frozen=True)
class KeyringRef:
    scheme: str
    target: str

    def __str__(self) -> str:
        return f"{self.scheme}:{self.target}"


def parse_ref(ref: str) -> KeyringRef:
    scheme, sep, target = (ref or "").partition(":")
    if not sep or scheme not in SCHEMES or not target:
        raise KeyringUsageError(
            f"keyring reference {ref!r} is not understood; use file:PATH, env:VAR or "
            "secretsmanager:SECRET_ID."
        )
    return KeyringRef(scheme, target)


def key_id(key: bytes) -> str:
    """A public fingerprint of a key (HMAC of a fixed label), safe to write in the audit."""
    return hmac.new(key, b"piimask key id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True, repr=False)
class Keyring:
    direct: Mapping[str, bytes]
    token: bytes
    ref: str = ""
    version_id: str | None = field(default=None)

    def __repr__(self) -> str:
        return f"Keyring(ref={self.ref!r}, windows={sorted(self.direct)})"

    @property
    def windows(self) -> tuple[str, ...]:
        return tuple(sorted(self.direct))

    def key_ids(self, windows: list[str] | tuple[str, ...] | None = None) -> dict[str, str]:
        chosen = self.windows if windows is None else windows
        ids = {f"direct:{w}": key_id(self.direct[w]) for w in chosen if w in self.direct}
        ids["token"] = key_id(self.token)
        return ids

    def check_rotation(self, rotation: str) -> None:
        pattern = WINDOW_PATTERNS[rotation]
        bad = [w for w in self.direct if not pattern.match(w)]
        if bad:
            raise KeyringError(
                f"keyring {self.ref} has window ids {sorted(bad)} that are not {rotation} window "
                f"ids (the rubric rotates keys {rotation}); create a keyring for that rotation."
            )

    def to_json(self) -> str:
        doc = {
            "version": 1,
            "direct": {w: base64.b64encode(k).decode() for w, k in sorted(self.direct.items())},
            "token": base64.b64encode(self.token).decode(),
        }
        return json.dumps(doc, indent=2) + "\n"

    def with_window(self, window: str, key: bytes | None = None) -> Keyring:
        if window in self.direct:
            raise KeyringError(
                f"keyring {self.ref} already has a key for window {window}; an existing window "
                "key is never overwritten (it would make that window's digests unreproducible)."
            )
        direct = dict(self.direct)
        direct[window] = key or secrets.token_bytes(MIN_KEY_BYTES)
        return Keyring(MappingProxyType(direct), self.token, self.ref, self.version_id)

    def without_window(self, window: str) -> Keyring:
        if window not in self.direct:
            raise KeyringError(f"keyring {self.ref} has no key for window {window}.")
        direct = {w: k for w, k in self.direct.items() if w != window}
        return Keyring(MappingProxyType(direct), self.token, self.ref, self.version_id)


def _decode_key(ref: str, name: str, value: object) -> bytes:
    if not isinstance(value, str):
        raise KeyringError(f"keyring {ref}: key {name} must be a base64 string.")
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"keyring {ref}: key {name} is not valid base64.") from None
    if len(key) < MIN_KEY_BYTES:
        raise KeyringError(
            f"keyring {ref}: key {name} is {len(key)} bytes; keys shorter than {MIN_KEY_BYTES} "
            "bytes are refused. Generate a new one with `pii-mask keys add`."
        )
    return key


def parse_keyring(text: str, ref: str, version_id: str | None = None) -> Keyring:
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        raise KeyringError(f"keyring {ref} is not valid JSON.") from None
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise KeyringError(f'keyring {ref} must be a JSON object with "version": 1.')
    direct = doc.get("direct")
    if not isinstance(direct, dict):
        raise KeyringError(f'keyring {ref} must have a "direct" object of window keys.')
    keys = {str(w): _decode_key(ref, f"direct[{w}]", v) for w, v in direct.items()}
    token = _decode_key(ref, "token", doc.get("token"))
    return Keyring(MappingProxyType(keys), token, ref, version_id)


def sm_client():
    try:
        import boto3
    except ImportError:
        raise KeyringUsageError(
            "secretsmanager: keyrings need boto3; install the kit with its aws extra "
            "(pip install 'piimask[aws]')."
        ) from None
    return boto3.client("secretsmanager")


def aws_error(ref: str, exc: Exception) -> KeyringError | KeyringUsageError:
    code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
    if code == "ResourceNotFoundException":
        return KeyringError(
            f"keyring {ref}: the secret does not exist; create it with `pii-mask keys init --keyring {ref}`."
        )
    return KeyringUsageError(
        f"keyring {ref}: Secrets Manager refused the request ({code}); check "
        "the secret id, the region and the caller's permissions."
    )


def load(ref: str, version_stage: str = "AWSCURRENT") -> Keyring:
    """Load a keyring; every failure is a KeyringError with no key material in it."""
    parsed = parse_ref(ref)
    if parsed.scheme == "file":
        path = Path(parsed.target)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeyringError(
                f"keyring {ref} does not exist; create one with `pii-mask keys init --keyring {ref}`."
            ) from None
        except OSError as exc:
            raise KeyringUsageError(f"keyring {ref} cannot be read ({type(exc).__name__}).") from None
        return parse_keyring(text, ref)
    if parsed.scheme == "env":
        text = os.environ.get(parsed.target)
        if not text:
            raise KeyringError(f"keyring {ref}: environment variable {parsed.target} is not set.")
        return parse_keyring(text, ref)
    client = sm_client()
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 always brings botocore
        raise
    try:
        resp = client.get_secret_value(SecretId=parsed.target, VersionStage=version_stage)
    except ClientError as exc:
        raise aws_error(ref, exc) from None
    except BotoCoreError as exc:
        raise KeyringUsageError(
            f"keyring {ref}: cannot reach Secrets Manager ({type(exc).__name__})."
        ) from None
    return parse_keyring(resp.get("SecretString"), ref, resp.get("VersionId"))


def exists(ref: str) -> bool:
    parsed = parse_ref(ref)
    if parsed.scheme == "file":
        return Path(parsed.target).exists()
    if parsed.scheme == "env":
        return bool(os.environ.get(parsed.target))
    try:
        load(ref)
    except (KeyringError, KeyringUsageError):
        return False
    return True


def save(keyring: Keyring, ref: str) -> str | None:
    """Write a keyring; on Secrets Manager as a new version staged AWSCURRENT. Returns the version."""
    parsed = parse_ref(ref)
    if parsed.scheme == "env":
        raise KeyringUsageError(
            "env: keyrings are read-only; write the keyring to a file: or "
            "secretsmanager: reference and export it yourself."
        )
    if parsed.scheme == "file":
        path = Path(parsed.target)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(keyring.to_json())
        os.replace(tmp, path)
        return None
    from botocore.exceptions import ClientError

    client = sm_client()
    token = secrets.token_hex(16)
    try:
        try:
            resp = client.put_secret_value(
                SecretId=parsed.target,
                SecretString=keyring.to_json(),
                ClientRequestToken=token,
                VersionStages=["AWSCURRENT"],
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            resp = client.create_secret(
                Name=parsed.target,
                SecretString=keyring.to_json(),
                ClientRequestToken=token,
                Description="piimask keyring (direct window keys, token key)",
            )
    except ClientError as exc:
        raise aws_error(ref, exc) from None
    return resp.get("VersionId")


def new_keyring(
    rotation: str, back: int = 8, ahead: int = 4, now: datetime | None = None, ref: str = ""
) -> Keyring:
    """Random keys for the windows from ``back`` periods ago to ``ahead`` periods ahead."""
    today = window_id(now or datetime.now(UTC), rotation)
    windows = [shift_window(today, rotation, s) for s in range(-back, ahead + 1)]
    direct = {w: secrets.token_bytes(MIN_KEY_BYTES) for w in windows}
    return Keyring(MappingProxyType(direct), secrets.token_bytes(MIN_KEY_BYTES), ref)


def retire_previous_version(ref: str, previous_version: str | None) -> str | None:
    """On Secrets Manager, take AWSPREVIOUS off the version that still holds a shredded key;
    return what was done (for the console), or None when there is nothing to do."""
    if parse_ref(ref).scheme != "secretsmanager" or not previous_version:
        return None
    from botocore.exceptions import ClientError

    client = sm_client()
    try:
        client.update_secret_version_stage(
            SecretId=parse_ref(ref).target, VersionStage="AWSPREVIOUS", RemoveFromVersionId=previous_version
        )
    except ClientError as exc:
        raise aws_error(ref, exc) from None
    return (
        f"secret version {previous_version} unstaged (AWSPREVIOUS removed); Secrets Manager "
        "deletes unstaged versions on its own schedule"
    )
