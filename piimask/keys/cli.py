"""`pii-mask keys init|add|rotate|shred|list`: manage a keyring on file: or secretsmanager:.

Existing window keys are never overwritten. On Secrets Manager each window key is its own secret
(shred deletes it without recovery, secrets_manager.py) and every change to the keyring secret is
a new version staged AWSCURRENT (VersionStage passed explicitly). Output names windows and key ids
(public fingerprints) only; key bytes are never printed or logged.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import UTC, datetime
from pathlib import Path

from piimask.expr.windows import WINDOW_PATTERNS, shift_window, window_id
from piimask.keys import keyring as kr
from piimask.keys.keyring import Keyring, KeyringError, KeyringUsageError, key_id, new_keyring, parse_ref

__all__ = ["add_arguments", "main"]

DEFAULT_ROTATION = "quarterly"
# What deploy/template.yaml stores in the keyring secret before `keys init` runs: no key material.
PLACEHOLDER_MARK = "piimask-keyring-placeholder"


def _rotation(args: argparse.Namespace) -> str:
    if getattr(args, "rotation", None):
        return args.rotation
    path = Path(args.rubric) if args.rubric else Path("rubric.yaml")
    if args.rubric or path.exists():
        from piimask.rubric import load_rubric

        return load_rubric(path).rotation
    return DEFAULT_ROTATION


def _check_window(window: str, rotation: str) -> None:
    if not WINDOW_PATTERNS[rotation].match(window):
        example = {"quarterly": "2026Q2", "monthly": "2026-04", "yearly": "2026"}[rotation]
        raise KeyringUsageError(
            f"window {window!r} is not a {rotation} window id (e.g. {example}); "
            "the rubric's event_time.rotation decides the window shape."
        )


def _secret_state(ref: str) -> str:
    """'absent', 'placeholder' or 'present' for a secretsmanager: keyring."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = kr.sm_client()
    try:
        resp = client.get_secret_value(SecretId=parse_ref(ref).target, VersionStage="AWSCURRENT")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return "absent"
        raise kr.aws_error(ref, exc) from None
    except BotoCoreError as exc:
        raise KeyringUsageError(
            f"keyring {ref}: cannot reach Secrets Manager ({type(exc).__name__})."
        ) from None
    return "placeholder" if PLACEHOLDER_MARK in (resp.get("SecretString") or "") else "present"


def _exists(ref: str) -> bool:
    parsed = parse_ref(ref)
    if parsed.scheme == "secretsmanager":
        return _secret_state(ref) == "present"
    return kr.exists(ref)


def _print(keyring: Keyring, action: str, windows: list[str] | None = None) -> None:
    shown = keyring.windows if windows is None else windows
    for w in shown:
        print(f"{action} window {w} key id {key_id(keyring.direct[w])}")
    print(f"token key id {key_id(keyring.token)}")
    print(
        f"keyring {keyring.ref}: {len(keyring.windows)} window key(s), "
        f"{keyring.windows[0] if keyring.windows else '-'} .. "
        f"{keyring.windows[-1] if keyring.windows else '-'}"
    )


def _save(keyring: Keyring, ref: str) -> str | None:
    version = kr.save(keyring, ref)
    if version:
        print(f"secret version {version} staged AWSCURRENT")
    return version


def _load(ref: str) -> Keyring:
    keyring = kr.load(ref)
    return dataclasses.replace(keyring, ref=ref)


def cmd_init(args: argparse.Namespace) -> int:
    rotation = _rotation(args)
    if _exists(args.keyring):
        raise KeyringError(
            f"keyring {args.keyring} already exists; `keys init` never replaces "
            "a keyring (its keys reproduce past digests). Use `keys rotate` or "
            "`keys add`."
        )
    keyring = new_keyring(rotation, back=args.back, ahead=args.ahead, ref=args.keyring)
    _save(keyring, args.keyring)
    _print(keyring, "created")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    keyring = _load(args.keyring)
    rotation = _rotation(args)
    _check_window(args.window, rotation)
    keyring.check_rotation(rotation)
    updated = keyring.with_window(args.window)  # refuses an existing window
    _save(updated, args.keyring)
    _print(updated, "added", [args.window])
    return 0


def cmd_rotate(args: argparse.Namespace) -> int:
    keyring = _load(args.keyring)
    rotation = _rotation(args)
    keyring.check_rotation(rotation)
    today = window_id(datetime.now(UTC), rotation)
    wanted = [shift_window(today, rotation, s) for s in range(0, args.ahead + 1)]
    missing = [w for w in wanted if w not in keyring.direct]
    if not missing:
        print(f"keyring {args.keyring}: windows {wanted[0]} .. {wanted[-1]} already have keys; nothing to do")
        return 0
    updated = keyring
    for w in missing:
        updated = updated.with_window(w)
    _save(updated, args.keyring)
    _print(updated, "added", missing)
    return 0


def _confirm(window: str, ref: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise KeyringError(
            f"shredding window {window} of keyring {ref} destroys its key for good "
            "(that window's digests become unlinkable); pass --yes to confirm "
            "when not on a terminal."
        )
    answer = input(f"Destroy the key of window {window} in {ref} for good? Type the window id to confirm: ")
    if answer.strip() != window:
        raise KeyringError("shred not confirmed; nothing was changed.")


def _still_held(ref: str, windows: list[str]) -> int:
    """0 when no copy of the shredded keys is left; else say where they are and return 1."""
    from piimask.keys import secrets_manager

    message = secrets_manager.still_held(ref, windows)
    if message is None:
        return 0
    print(message, file=sys.stderr)
    return 1


def cmd_shred(args: argparse.Namespace) -> int:
    keyring = _load(args.keyring)
    parsed = parse_ref(args.keyring)
    if args.window not in keyring.direct:
        if parsed.scheme == "secretsmanager":
            from piimask.keys import secrets_manager

            if secrets_manager.delete_leftover(args.keyring, parsed.target, args.window):
                print(f"shredded window {args.window}: deleted its secret left by an interrupted shred")
                return _still_held(args.keyring, [args.window])
        raise KeyringError(f"keyring {args.keyring} has no key for window {args.window}; nothing to shred.")
    _confirm(args.window, args.keyring, args.yes)
    shredded = keyring.without_window(args.window)
    _save(shredded, args.keyring)
    print(f"shredded window {args.window}: its digests are now unlinkable")
    if shredded.windows:
        _print(shredded, "kept")
    return _still_held(args.keyring, [args.window])


def cmd_migrate(args: argparse.Namespace) -> int:
    """Move a secretsmanager: keyring to a new secret in the one-secret-per-window layout, then
    delete the old secret (whose earlier versions may hold shredded keys) and its window secrets."""
    source = parse_ref(args.keyring)
    if source.scheme != "secretsmanager" or parse_ref(args.to).scheme != "secretsmanager":
        raise KeyringUsageError(
            "`keys migrate` moves a secretsmanager: keyring to another secretsmanager: one."
        )
    if source.target == parse_ref(args.to).target:
        raise KeyringUsageError("`keys migrate` needs a new secret (--to) other than --keyring.")
    keyring = _load(args.keyring)
    if _exists(args.to):
        raise KeyringError(
            f"keyring {args.to} already exists; `keys migrate` moves into a new or placeholder "
            "keyring only, never over one."
        )
    moved = dataclasses.replace(keyring, ref=args.to, version_id=None)
    _save(moved, args.to)
    copy = kr.load(args.to)
    if dict(copy.direct) != dict(keyring.direct) or copy.token != keyring.token:
        raise KeyringError(
            f"keyring {args.to} does not read back equal to {args.keyring}; nothing was deleted."
        )
    from piimask.keys import secrets_manager

    _print(moved, "moved")
    for name in secrets_manager.delete_keyring(args.keyring, source.target):
        print(f"deleted secret {name} (every version, no recovery window)")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    _print(_load(args.keyring), "has")
    return 0


COMMANDS = {
    "init": cmd_init,
    "add": cmd_add,
    "rotate": cmd_rotate,
    "shred": cmd_shred,
    "migrate": cmd_migrate,
    "list": cmd_list,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="keys_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--keyring", required=True, help="file:PATH or secretsmanager:SECRET_ID")
        p.add_argument(
            "--rubric",
            help="rubric.yaml whose event_time.rotation sets the window "
            "shape (default ./rubric.yaml if present, else quarterly)",
        )
        p.add_argument("--rotation", choices=sorted(WINDOW_PATTERNS), help=argparse.SUPPRESS)
        return p

    p = action("init", "create a keyring with random keys around today (refuses if it exists)")
    p.add_argument("--back", type=int, default=8, help="windows before today (default 8)")
    p.add_argument("--ahead", type=int, default=4, help="windows after today (default 4)")
    p = action("add", "add a random key for one window (never overwrites)")
    p.add_argument("--window", required=True, help="window id, e.g. 2026Q2")
    p = action("rotate", "add keys for today's window and --ahead windows that lack one")
    p.add_argument("--ahead", type=int, default=4, help="windows after today (default 4)")
    p = action("shred", "destroy one window's key for good (crypto-shredding)")
    p.add_argument("--window", required=True, help="window id, e.g. 2024Q1")
    p.add_argument("--yes", action="store_true", help="confirm without a prompt")
    p = action("migrate", "move a secretsmanager: keyring to a new secret, one secret per window")
    p.add_argument("--to", required=True, help="the new keyring, secretsmanager:SECRET_ID")
    action("list", "print window ids and key ids (never key bytes)")


def main(args: argparse.Namespace) -> int:
    return COMMANDS[args.keys_command](args)
