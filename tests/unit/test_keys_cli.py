"""`pii-mask keys` on file: and on secretsmanager: (moto server over real HTTP).

Every test decodes the keyring it made and checks that no key, in base64 or hex, appears in what
the command printed.
"""

from __future__ import annotations

import base64
import json

import pytest
from aws_fixtures import aws, client, moto_server  # noqa: F401
from aws_fixtures import secret_versions_holding as holders
from botocore.exceptions import ClientError

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
    # the keyring remembers the window was shredded (its id only), through later changes too
    assert kr.load(ref).shredded == {far}
    assert run(capsys, "rotate", "--keyring", ref, "--ahead", "5")[0] == 0
    assert kr.load(ref).shredded == {far} and far not in kr.load(ref).direct


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
def test_shred_leaves_no_secret_version_holding_the_key(capsys, monkeypatch):
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
    key, kept = kr.load(ref).direct[window], kr.load(ref).direct[kr.load(ref).windows[0]]
    assert {name for name, _ in holders(sm, key)} == {f"{SECRET}/window/{window}"}  # its own secret only
    code, out = run(capsys, "shred", "--keyring", ref, "--window", window, "--yes")
    assert code == 0 and "earlier version" not in out
    assert calls and all(stages == ["AWSCURRENT"] for stages in calls)
    assert holders(sm, key) == []  # no version of any secret returns it
    assert holders(sm, kept)  # the check finds a key that is there
    with pytest.raises(sm.exceptions.ResourceNotFoundException):
        sm.get_secret_value(SecretId=f"{SECRET}/window/{window}", VersionStage="AWSCURRENT")
    # AWS answers ResourceNotFoundException; moto 5.2.6 fails with a 500 (a KeyError): either way
    # no version id is listed
    with pytest.raises(ClientError):
        sm.list_secret_version_ids(SecretId=f"{SECRET}/window/{window}", IncludeDeprecated=True)
    assert window not in kr.load(ref).windows and len(kr.load(ref).windows) == 3
    assert len(sm.list_secret_version_ids(SecretId=SECRET)["Versions"]) >= 4  # the root's history


@pytest.mark.usefixtures("aws")
def test_a_window_secret_deleted_by_hand_reads_as_shredded(capsys, caplog):
    sm = client("secretsmanager")
    ref = f"secretsmanager:{SECRET}"
    assert run(capsys, "init", "--keyring", ref, "--back", "1", "--ahead", "1")[0] == 0
    gone, kept = kr.load(ref).windows[0], kr.load(ref).windows[1:]
    sm.delete_secret(SecretId=f"{SECRET}/window/{gone}", ForceDeleteWithoutRecovery=True)
    assert kr.load(ref).windows == kept  # no key for it: its rows are refused, as after a shred
    assert f"window {gone} is listed but its secret" in caplog.text
    assert run(capsys, "rotate", "--keyring", ref, "--ahead", "2")[0] == 0
    caplog.clear()
    assert gone not in kr.load(ref).windows and "is listed but" not in caplog.text  # dropped
    assert kr.load(ref).shredded == {gone}  # and recorded as shredded


@pytest.mark.usefixtures("aws")
def test_a_single_secret_keyring_is_read_then_moved_to_one_secret_per_window(capsys):
    """The older layout (every window key in the keyring secret) stays readable; a shred on it
    says which versions still hold the key; `keys migrate` to a new secret plus deleting the old
    one leaves no copy."""
    sm = client("secretsmanager")
    old, new = f"secretsmanager:{SECRET}", f"secretsmanager:{SECRET}-v2"
    legacy = kr.new_keyring("quarterly", back=1, ahead=1)
    sm.create_secret(Name=SECRET, SecretString=legacy.to_json())
    assert dict(kr.load(old).direct) == dict(legacy.direct)
    first, second = legacy.windows[0], legacy.windows[1]
    code, out = run(capsys, "shred", "--keyring", old, "--window", first, "--yes")
    assert code == 1 and "still hold" in out and "keys migrate" in out and first not in kr.load(old).direct
    held = holders(sm, legacy.direct[first])  # the message is honest: the old versions hold it
    assert {name for name, _ in held} == {SECRET} and all(v in out for v in _old_versions(sm))
    windows = kr.load(old).windows
    code, out = run(capsys, "migrate", "--keyring", old, "--to", new)
    assert code == 0 and kr.load(new).windows == windows and f"deleted secret {SECRET} " in out
    assert holders(sm, legacy.direct[first]) == []
    assert not [s for s in sm.list_secrets()["SecretList"] if not s["Name"].startswith(f"{SECRET}-v2")]
    code, out = run(capsys, "shred", "--keyring", new, "--window", second, "--yes")
    assert code == 0 and holders(sm, legacy.direct[second]) == []
    assert_no_key_material(new, out)
    sm.create_secret(Name=SECRET, SecretString=legacy.to_json())
    assert run(capsys, "migrate", "--keyring", old, "--to", new)[0] == 1  # never over a keyring


def _old_versions(sm) -> list[str]:
    """The keyring secret's versions written in the single-secret layout (they hold "direct" keys)."""
    versions = sm.list_secret_version_ids(SecretId=SECRET, IncludeDeprecated=True)["Versions"]
    return [
        v["VersionId"]
        for v in versions
        if json.loads(sm.get_secret_value(SecretId=SECRET, VersionId=v["VersionId"])["SecretString"]).get(
            "direct"
        )
    ]


@pytest.mark.usefixtures("aws")
def test_init_refuses_a_real_secret_it_did_not_write(capsys):
    sm = client("secretsmanager")
    ref = f"secretsmanager:{SECRET}"
    assert run(capsys, "init", "--keyring", ref, "--back", "0", "--ahead", "0")[0] == 0
    stamp = sm.get_secret_value(SecretId=SECRET)["VersionId"]
    code, out = run(capsys, "init", "--keyring", ref)
    assert code == 1 and "already exists" in out
    assert sm.get_secret_value(SecretId=SECRET)["VersionId"] == stamp
