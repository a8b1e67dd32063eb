"""`pii-mask keys` on file: and on secretsmanager: (moto server over real HTTP).

Every test decodes the keyring it made and checks that no key, in base64 or hex, appears in what
the command printed.
"""

from __future__ import annotations

import base64
import json

import pytest
from aws_fixtures import aws, client, moto_server  # noqa: F401

from piimask.cli import main
from piimask.expr.windows import shift_window, window_id
from piimask.keys import keyring as kr

SECRET = "piimask/keyring-test"


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(["keys", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_no_key_material(ref: str, *outputs: str) -> None:
    keyring = kr.load(ref)
    keys = [*keyring.direct.values(), keyring.token]
    text = "\n".join(outputs)
    for key in keys:
        assert base64.b64encode(key).decode() not in text
        assert key.hex() not in text


@pytest.fixture(params=["file", "secretsmanager"])
def ref(request, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no rubric.yaml here: rotation defaults to quarterly
    if request.param == "file":
        return f"file:{tmp_path / 'keyring.json'}"
    request.getfixturevalue("aws")
    return f"secretsmanager:{SECRET}"


def test_init_add_rotate_shred(ref, capsys):
    today = window_id(__import__("datetime").datetime.now(__import__("datetime").timezone.utc), "quarterly")
    code, out_init = run(capsys, "init", "--keyring", ref, "--back", "1", "--ahead", "1")
    assert code == 0 and f"created window {today} key id " in out_init
    assert len(kr.load(ref).windows) == 3

    code, out_again = run(capsys, "init", "--keyring", ref)
    assert code == 1 and "already exists" in out_again

    far = shift_window(today, "quarterly", 12)
    code, out_add = run(capsys, "add", "--keyring", ref, "--window", far)
    assert code == 0 and f"added window {far}" in out_add
    before = kr.load(ref).direct[far]
    code, out_refused = run(capsys, "add", "--keyring", ref, "--window", far)
    assert code == 1 and "never overwritten" in out_refused
    assert kr.load(ref).direct[far] == before

    existing = dict(kr.load(ref).direct)
    code, out_rotate = run(capsys, "rotate", "--keyring", ref, "--ahead", "4")
    assert code == 0
    after = kr.load(ref).direct
    assert all(after[w] == k for w, k in existing.items())  # nothing overwritten
    assert shift_window(today, "quarterly", 4) in after
    code, out_idle = run(capsys, "rotate", "--keyring", ref, "--ahead", "4")
    assert code == 0 and "nothing to do" in out_idle

    code, out_list = run(capsys, "list", "--keyring", ref)
    assert_no_key_material(ref, out_init, out_again, out_add, out_refused, out_rotate, out_idle, out_list)

    code, out_refuse_shred = run(capsys, "shred", "--keyring", ref, "--window", far)
    assert code == 1 and "--yes" in out_refuse_shred and far in kr.load(ref).direct
    code, out_shred = run(capsys, "shred", "--keyring", ref, "--window", far, "--yes")
    assert code == 0 and far not in kr.load(ref).direct
    assert_no_key_material(ref, out_shred)
    assert base64.b64encode(before).decode() not in out_shred


def test_bad_window_shape_is_a_usage_error(ref, capsys):
    run(capsys, "init", "--keyring", ref, "--back", "0", "--ahead", "0")
    code, out = run(capsys, "add", "--keyring", ref, "--window", "2026-04")
    assert code == 2 and "quarterly" in out


def test_rotation_comes_from_the_rubric(tmp_path, capsys):
    rubric = tmp_path / "monthly.yaml"
    rubric.write_text(
        """
version: "1"
event_time: {column: ts, rotation: monthly}
columns:
  - {name: ts, bucket: sensitive, treatment: hour, validate: {type: timestamp, required: true}}
""",
        encoding="utf-8",
    )
    ref = f"file:{tmp_path / 'k.json'}"
    code, _ = run(capsys, "init", "--keyring", ref, "--rubric", str(rubric), "--back", "0", "--ahead", "1")
    assert code == 0
    assert all(len(w) == 7 and w[4] == "-" for w in kr.load(ref).windows)


@pytest.mark.usefixtures("aws")
def test_secretsmanager_versions_are_staged_explicitly(capsys, monkeypatch):
    sm = client("secretsmanager")
    calls = []
    real_client = kr.sm_client

    def recording_client():
        c = real_client()
        c.meta.events.register(
            "provide-client-params.secrets-manager.PutSecretValue",
            lambda params, **_: calls.append(params.get("VersionStages")),
        )
        return c

    monkeypatch.setattr(kr, "sm_client", recording_client)
    ref = f"secretsmanager:{SECRET}"
    # the stack's placeholder (no key material) is what `keys init` finds and replaces
    sm.create_secret(Name=SECRET, SecretString=json.dumps({"piimask-keyring-placeholder": True}))
    assert run(capsys, "init", "--keyring", ref, "--back", "0", "--ahead", "1")[0] == 0
    assert run(capsys, "rotate", "--keyring", ref, "--ahead", "3")[0] == 0
    window = kr.load(ref).windows[-1]
    assert run(capsys, "shred", "--keyring", ref, "--window", window, "--yes")[0] == 0
    assert calls and all(stages == ["AWSCURRENT"] for stages in calls)

    versions = sm.list_secret_version_ids(SecretId=SECRET)["Versions"]
    current = [v for v in versions if "AWSCURRENT" in v.get("VersionStages", [])]
    previous = [v for v in versions if "AWSPREVIOUS" in v.get("VersionStages", [])]
    assert len(current) == 1 and previous == []  # the version that held the key is unstaged
    assert len(versions) >= 4
    assert window not in kr.load(ref).direct


@pytest.mark.usefixtures("aws")
def test_init_refuses_a_real_secret_it_did_not_write(capsys):
    sm = client("secretsmanager")
    ref = f"secretsmanager:{SECRET}"
    assert run(capsys, "init", "--keyring", ref, "--back", "0", "--ahead", "0")[0] == 0
    stamp = sm.get_secret_value(SecretId=SECRET)["VersionId"]
    code, out = run(capsys, "init", "--keyring", ref)
    assert code == 1 and "already exists" in out
    assert sm.get_secret_value(SecretId=SECRET)["VersionId"] == stamp
