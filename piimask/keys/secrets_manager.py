"""A secretsmanager: keyring as one secret per window, so a shred leaves no copy of the key.

Secrets Manager has no call that deletes one version of a secret: a keyring kept in one secret,
rewritten on every change, keeps every window key in its earlier versions. So the keyring secret
named by the reference (the *root*, which deploy/template.yaml creates) holds only the token key
and the list of windows, and each window key lives in its own secret ``ROOT/window/WINDOW``,
written once and never rewritten. `keys shred` deletes that secret with
``ForceDeleteWithoutRecovery``: every version of it is gone at once, with no recovery window.

Root JSON: ``{"version": 1, "layout": "secret-per-window", "windows": [...], "token": "<base64>"}``
(plus ``"shredded": [...]``, the ids of shredded windows, once there are any);
a window secret: ``{"version": 1, "window": "2026Q2", "key": "<base64>"}``. A root in the older
single-secret layout (design.md's keyring JSON with every window key in it) is still read as it
is; the first change to it moves the window keys into their own secrets. Its earlier versions
still hold the keys it held: ``versions_holding`` finds them, and `keys shred` says so.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets

from piimask.keys import keyring as kr  # kr.sm_client: one place to make (or stub) the client
from piimask.keys.keyring import (
    Keyring,
    KeyringError,
    KeyringUsageError,
    aws_error,
    keyring_from_doc,
    parse_ref,
)

__all__ = [
    "LAYOUT",
    "delete_keyring",
    "delete_leftover",
    "load",
    "save",
    "still_held",
    "versions_holding",
    "window_secret",
]

LAYOUT = "secret-per-window"

log = logging.getLogger("piimask.keys")


def window_secret(root: str, window: str) -> str:
    return f"{root}/window/{window}"


def _errors():
    from botocore.exceptions import BotoCoreError, ClientError

    return BotoCoreError, ClientError


def _code(exc: Exception) -> str:
    return getattr(exc, "response", {}).get("Error", {}).get("Code", "")


def _call(ref: str, fn, **kwargs) -> dict:
    """One Secrets Manager call; AWS errors become the keyring's errors (no key material)."""
    botocore_error, client_error = _errors()
    try:
        return fn(**kwargs)
    except client_error as exc:
        raise aws_error(ref, exc) from None
    except botocore_error as exc:
        raise KeyringUsageError(
            f"keyring {ref}: cannot reach Secrets Manager ({type(exc).__name__})."
        ) from None


def _root_doc(client, ref: str, root: str, stage: str = "AWSCURRENT") -> tuple[dict | None, str | None]:
    """(the root's JSON, its version id), or (None, None) when the secret does not exist."""
    botocore_error, client_error = _errors()
    try:
        resp = client.get_secret_value(SecretId=root, VersionStage=stage)
    except client_error as exc:
        if _code(exc) == "ResourceNotFoundException":
            return None, None
        raise aws_error(ref, exc) from None
    except botocore_error as exc:
        raise KeyringUsageError(
            f"keyring {ref}: cannot reach Secrets Manager ({type(exc).__name__})."
        ) from None
    try:
        doc = json.loads(resp.get("SecretString") or "")
    except json.JSONDecodeError:
        raise KeyringError(f"keyring {ref} is not valid JSON.") from None
    return (doc if isinstance(doc, dict) else {}), resp.get("VersionId")


def _listed(doc: dict | None) -> list[str]:
    if not doc or doc.get("layout") != LAYOUT:
        return []
    windows = doc.get("windows")
    if not isinstance(windows, list) or not all(isinstance(w, str) for w in windows):
        raise KeyringError('keyring root secret must list its windows as a "windows" array of ids.')
    return windows


def load(ref: str, root: str, stage: str = "AWSCURRENT") -> Keyring:
    client = kr.sm_client()
    doc, version = _root_doc(client, ref, root, stage)
    if doc is None:
        raise KeyringError(
            f"keyring {ref}: the secret does not exist; create it with `pii-mask keys init --keyring {ref}`."
        )
    if doc.get("layout") != LAYOUT:
        return keyring_from_doc(doc, ref, version)  # the single-secret layout
    direct, gone = {}, []
    for window in _listed(doc):
        name = window_secret(root, window)
        botocore_error, client_error = _errors()
        try:
            resp = client.get_secret_value(SecretId=name, VersionStage="AWSCURRENT")
        except client_error as exc:
            if _code(exc) not in ("ResourceNotFoundException", "InvalidRequestException"):
                raise aws_error(ref, exc) from None
            # deleted (or scheduled for deletion) outside `keys shred`: the key is unavailable,
            # which is what a shred means. Its rows are refused like a shredded window's, and
            # the next change drops it from the list.
            log.warning(
                "keyring %s: window %s is listed but its secret %s is gone or being deleted; "
                "treated as shredded",
                ref,
                window,
                name,
            )
            gone.append(window)
            continue
        except botocore_error as exc:
            raise KeyringUsageError(
                f"keyring {ref}: cannot reach Secrets Manager ({type(exc).__name__})."
            ) from None
        direct[window] = _window_key(ref, window, resp.get("SecretString"))
    shredded = [*doc.get("shredded", []), *gone]
    return keyring_from_doc(
        {"version": 1, "direct": direct, "token": doc.get("token"), "shredded": shredded}, ref, version
    )


def _window_key(ref: str, window: str, text: str | None) -> str:
    try:
        doc = json.loads(text or "")
    except json.JSONDecodeError:
        doc = None
    if not isinstance(doc, dict) or doc.get("version") != 1 or doc.get("window") != window:
        raise KeyringError(
            f'keyring {ref}: the secret of window {window} must be {{"version": 1, "window": '
            f'"{window}", "key": "<base64>"}}.'
        )
    return doc.get("key")


def _root_json(keyring: Keyring) -> str:
    doc = {
        "version": 1,
        "layout": LAYOUT,
        "windows": list(keyring.windows),
        "token": base64.b64encode(keyring.token).decode(),
    }
    if keyring.shredded:  # ids only: the job names them when it refuses their rows
        doc["shredded"] = sorted(keyring.shredded)
    return json.dumps(doc, indent=2) + "\n"


def _put_window(client, ref: str, root: str, window: str, key: bytes, kms_key: str | None) -> None:
    """Create the window's secret; an add that died after creating it left one: write over it
    (its earlier version held a key no digest was ever made with, and a shred deletes all)."""
    text = json.dumps({"version": 1, "window": window, "key": base64.b64encode(key).decode()})
    name = window_secret(root, window)
    _, client_error = _errors()
    kms = {"KmsKeyId": kms_key} if kms_key else {}
    try:
        client.create_secret(
            Name=name, SecretString=text, Description=f"piimask keyring {root}: key of window {window}", **kms
        )
    except client_error as exc:
        if _code(exc) != "ResourceExistsException":
            raise aws_error(ref, exc) from None
        _call(ref, client.put_secret_value, SecretId=name, SecretString=text, VersionStages=["AWSCURRENT"])


def _delete_window(client, ref: str, root: str, window: str) -> bool:
    """Delete the window's secret, every version, without a recovery window. False: none was there."""
    _, client_error = _errors()
    try:
        client.describe_secret(SecretId=window_secret(root, window))
    except client_error as exc:
        if _code(exc) == "ResourceNotFoundException":
            return False
        raise aws_error(ref, exc) from None
    _call(ref, client.delete_secret, SecretId=window_secret(root, window), ForceDeleteWithoutRecovery=True)
    return True


def save(keyring: Keyring, ref: str, root: str) -> str | None:
    """Make the secrets hold ``keyring``: new windows' secrets first, then the root (a new version
    staged AWSCURRENT), then the dropped windows' secrets deleted. A process killed between two
    steps leaves a keyring that loads: at worst an unlisted window secret, which `keys shred`
    (``delete_leftover``) removes. (A listed window whose secret someone deleted by hand is read
    as shredded.) Returns the root's new version id."""
    client = kr.sm_client()
    doc, _ = _root_doc(client, ref, root)
    listed = set(_listed(doc))
    kms_key = _call(ref, client.describe_secret, SecretId=root).get("KmsKeyId") if doc is not None else None
    for window in keyring.windows:
        if window not in listed:
            _put_window(client, ref, root, window, keyring.direct[window], kms_key)
    new_version = {"SecretString": _root_json(keyring), "ClientRequestToken": secrets.token_hex(16)}
    if doc is None:
        description = "piimask keyring: the token key and the list of window keys (one secret each)"
        resp = _call(ref, client.create_secret, Name=root, Description=description, **new_version)
    else:
        stage = ["AWSCURRENT"]
        resp = _call(ref, client.put_secret_value, SecretId=root, VersionStages=stage, **new_version)
    for window in sorted(listed - set(keyring.windows)):
        _delete_window(client, ref, root, window)
    return resp.get("VersionId")


def delete_keyring(ref: str, root: str) -> list[str]:
    """Delete the keyring: its window secrets, then the root, each with every version and no
    recovery window. Returns the deleted secrets' names (for the console)."""
    client = kr.sm_client()
    doc, _ = _root_doc(client, ref, root)
    deleted = [window_secret(root, w) for w in _listed(doc) if _delete_window(client, ref, root, w)]
    if doc is not None:
        _call(ref, client.delete_secret, SecretId=root, ForceDeleteWithoutRecovery=True)
        deleted.append(root)
    return deleted


def delete_leftover(ref: str, root: str, window: str) -> bool:
    """Delete a window secret the keyring no longer lists (a shred killed after it rewrote the
    root). True when there was one."""
    return _delete_window(kr.sm_client(), ref, root, window)


def versions_holding(ref: str, root: str, window: str) -> list[str]:
    """Ids of the root's versions, staged or not, whose text holds ``window``'s key: versions
    written in the single-secret layout. Secrets Manager deletes them only with the secret."""
    client = kr.sm_client()
    versions, kwargs = [], {"SecretId": root, "IncludeDeprecated": True}
    while True:
        page = _call(ref, client.list_secret_version_ids, **kwargs)
        versions.extend(v["VersionId"] for v in page.get("Versions", []))
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    holding = []
    for version in versions:
        text = _call(ref, client.get_secret_value, SecretId=root, VersionId=version).get("SecretString")
        try:
            doc = json.loads(text or "")
        except json.JSONDecodeError:
            continue
        if isinstance(doc, dict) and isinstance(doc.get("direct"), dict) and window in doc["direct"]:
            holding.append(version)
    return holding


def still_held(ref: str, windows: list[str] | tuple[str, ...]) -> str | None:
    """After a shred: None when no version of a secretsmanager: keyring's root holds a shredded
    window's key (always None for file: and env:), else what is left and how to finish (for the
    console; version ids and window ids only)."""
    parsed = parse_ref(ref)
    if parsed.scheme != "secretsmanager":
        return None
    root = parsed.target
    held = {w: versions_holding(ref, root, w) for w in windows}
    held = {w: v for w, v in held.items() if v}
    if not held:
        return None
    versions = sorted({v for vs in held.values() for v in vs})
    return (
        f"keyring {ref}: window(s) {sorted(held)} are out of the keyring and their own secrets are "
        f"deleted, but {len(versions)} earlier version(s) of the secret {root} ({', '.join(versions)}), "
        "written before the keyring moved to one secret per window, still hold their keys; Secrets "
        "Manager deletes a version only with its secret. To finish the shred: copy the keyring to a "
        "new secret (`pii-mask keys migrate --keyring "
        f"{ref} --to secretsmanager:NEW`), point the job at it, then delete {root} with "
        "`aws secretsmanager delete-secret --force-delete-without-recovery` (docs/aws.md)."
    )
