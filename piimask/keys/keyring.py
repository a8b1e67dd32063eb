"""The keyring: per-window direct-identifier keys and the token key, from file:, env: or
secretsmanager: references. Key bytes never appear in a repr, message, log or audit record."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import tempfile
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
    "keyring_from_doc",
    "missing_keys_message",
    "write_private",
]

MIN_KEY_BYTES = 32
MIN_DISTINCT_BYTES = 8  # a random 32-byte key has ~30; fewer means zeros or a repeated pattern
SCHEMES = ("file", "env", "secretsmanager")

log = logging.getLogger("piimask.keys")


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
    # ids of windows whose key was shredded (never a key): the job then says a missing key was
    # destroyed on purpose, not forgotten; a later `keys add` of the window clears the mark
    shredded: frozenset[str] = frozenset()

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
        if self.shredded:
            doc["shredded"] = sorted(self.shredded)
        return json.dumps(doc, indent=2) + "\n"

    def with_window(self, window: str, key: bytes | None = None) -> Keyring:
        if window in self.direct:
            raise KeyringError(
                f"keyring {self.ref} already has a key for window {window}; an existing window "
                "key is never overwritten (it would make that window's digests unreproducible)."
            )
        direct = dict(self.direct)
        direct[window] = key or secrets.token_bytes(MIN_KEY_BYTES)
        return Keyring(
            MappingProxyType(direct), self.token, self.ref, self.version_id, self.shredded - {window}
        )

    def without_window(self, window: str) -> Keyring:
        if window not in self.direct:
            raise KeyringError(f"keyring {self.ref} has no key for window {window}.")
        direct = {w: k for w, k in self.direct.items() if w != window}
        return Keyring(
            MappingProxyType(direct), self.token, self.ref, self.version_id, self.shredded | {window}
        )


def missing_keys_message(keyring: Keyring, absent: list[str], ref: str, rows: int) -> str:
    """The job's refusal of rows whose window has no key, saying why each key is missing: a
    shredded window's key is gone for good (a new key would mask its rows unlike the ones masked
    before), a window never added can still be added."""
    shredded = [w for w in absent if w in keyring.shredded]
    never = [w for w in absent if w not in keyring.shredded]
    parts = [
        f"keyring {ref} has no key for window(s) {', '.join(absent)} ({rows} rows). Nothing was written."
    ]
    if shredded:
        parts.append(
            f"Window(s) {', '.join(shredded)} were shredded (crypto-erased): the key is destroyed "
            "for good, so rows of that window can no longer be masked consistently with the rows "
            "masked before. Remove those rows from the input."
        )
    if never:
        parts.append(
            f"Window(s) {', '.join(never)} were never added; add them with "
            f"`pii-mask keys add --keyring {ref} --window {never[0]}`."
        )
    return " ".join(parts)


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
    if len(set(key)) < MIN_DISTINCT_BYTES:
        raise KeyringError(
            f"keyring {ref}: key {name} is not random (all zeros or a short repeated pattern); "
            "such a key is guessable. Generate a new one with `pii-mask keys add`."
        )
    return key


def _check_distinct(ref: str, keys: Mapping[str, bytes], token: bytes) -> None:
    """Refuse keys shared between windows (their digests would join across windows, and
    shredding one window would not unlink it) or between a window and the token key."""
    seen: dict[bytes, str] = {}
    for window in sorted(keys):
        other = seen.setdefault(keys[window], window)
        if other != window:
            raise KeyringError(
                f"keyring {ref}: windows {other} and {window} have the same key, so their digests "
                "join across windows and shredding one would not unlink it. Give each window its "
                "own random key (`pii-mask keys add`)."
            )
    if token in seen:
        raise KeyringError(
            f"keyring {ref}: the token key equals the key of window {seen[token]}; the token key "
            "must be its own random key."
        )


def parse_keyring(text: str, ref: str, version_id: str | None = None) -> Keyring:
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        raise KeyringError(f"keyring {ref} is not valid JSON.") from None
    return keyring_from_doc(doc, ref, version_id)


def keyring_from_doc(doc: object, ref: str, version_id: str | None = None) -> Keyring:
    """The keyring JSON of design.md, parsed: every key decoded, checked and distinct."""
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise KeyringError(f'keyring {ref} must be a JSON object with "version": 1.')
    direct = doc.get("direct")
    if not isinstance(direct, dict):
        raise KeyringError(f'keyring {ref} must have a "direct" object of window keys.')
    keys = {str(w): _decode_key(ref, f"direct[{w}]", v) for w, v in direct.items()}
    token = _decode_key(ref, "token", doc.get("token"))
    _check_distinct(ref, keys, token)
    shredded = doc.get("shredded", [])
    if not isinstance(shredded, list) or not all(isinstance(w, str) for w in shredded):
        raise KeyringError(f'keyring {ref}: "shredded" must be an array of window ids.')
    return Keyring(MappingProxyType(keys), token, ref, version_id, frozenset(shredded) - set(keys))


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
        _warn_if_shared(path, ref)
        return parse_keyring(text, ref)
    if parsed.scheme == "env":
        text = os.environ.get(parsed.target)
        if not text:
            raise KeyringError(f"keyring {ref}: environment variable {parsed.target} is not set.")
        return parse_keyring(text, ref)
    from piimask.keys import secrets_manager  # it builds on this module

    return secrets_manager.load(ref, parsed.target, version_stage)


def _warn_if_shared(path: Path, ref: str) -> None:
    """A keyring file other users can read or write is a leaked or replaceable key: say so."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning(
            "keyring %s has mode %s: other users can %s it; restrict it with `chmod 600 %s`.",
            ref,
            oct(mode),
            "read or replace" if mode & 0o022 else "read",
            path,
        )


def write_private(path: Path, text: str) -> None:
    """Write ``path`` atomically with mode 600: a new temp file in the same folder (O_EXCL and
    O_NOFOLLOW, so no existing file's mode or a planted symbolic link is reused), fsync, rename
    over ``path`` (which replaces a link at ``path`` rather than writing through it), fsync the
    folder. A crash leaves the old file or the new one, never a mix."""
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


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
    """Write a keyring. On Secrets Manager one secret per window (secrets_manager.py), the keyring
    secret itself a new version staged AWSCURRENT; returns that version's id."""
    parsed = parse_ref(ref)
    if parsed.scheme == "env":
        raise KeyringUsageError(
            "env: keyrings are read-only; write the keyring to a file: or "
            "secretsmanager: reference and export it yourself."
        )
    if parsed.scheme == "file":
        path = Path(parsed.target)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, keyring.to_json())
        return None
    from piimask.keys import secrets_manager  # it builds on this module

    return secrets_manager.save(keyring, ref, parsed.target)


def new_keyring(
    rotation: str, back: int = 8, ahead: int = 4, now: datetime | None = None, ref: str = ""
) -> Keyring:
    """Random keys for the windows from ``back`` periods ago to ``ahead`` periods ahead."""
    today = window_id(now or datetime.now(UTC), rotation)
    windows = [shift_window(today, rotation, s) for s in range(-back, ahead + 1)]
    direct = {w: secrets.token_bytes(MIN_KEY_BYTES) for w in windows}
    return Keyring(MappingProxyType(direct), secrets.token_bytes(MIN_KEY_BYTES), ref)
