"""Keyring providers: file:, env: and secretsmanager: (moto's server over real HTTP)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from aws_fixtures import aws, client, moto_server  # noqa: F401
from run_support import good_row, options, write_csv

from piimask.job import run
from piimask.keys import keyring as kr


@pytest.fixture
def ring():
    return kr.new_keyring("quarterly", back=2, ahead=1, now=datetime(2026, 5, 1, tzinfo=UTC))


def test_new_keyring_spans_windows_around_today(ring):
    assert ring.windows == ("2025Q4", "2026Q1", "2026Q2", "2026Q3")
    assert all(len(k) == 32 for k in ring.direct.values()) and len(ring.token) == 32
    assert len(set(ring.direct.values())) == 4


def test_file_and_env_round_trip(tmp_path, monkeypatch, ring):
    kr.save(ring, f"file:{tmp_path}/k.json")
    assert (tmp_path / "k.json").stat().st_mode & 0o077 == 0  # owner-only
    loaded = kr.load(f"file:{tmp_path}/k.json")
    assert dict(loaded.direct) == dict(ring.direct) and loaded.token == ring.token
    monkeypatch.setenv("PIIMASK_KEYRING", ring.to_json())
    assert dict(kr.load("env:PIIMASK_KEYRING").direct) == dict(ring.direct)


def test_secretsmanager_round_trip_with_explicit_stage(aws, ring):  # noqa: F811
    version = kr.save(ring, "secretsmanager:piimask/test-keyring")
    loaded = kr.load("secretsmanager:piimask/test-keyring")
    assert dict(loaded.direct) == dict(ring.direct) and loaded.version_id == version
    bigger = ring.with_window("2026Q4")
    kr.save(bigger, "secretsmanager:piimask/test-keyring")
    assert "2026Q4" in kr.load("secretsmanager:piimask/test-keyring").direct
    versions = client("secretsmanager").list_secret_version_ids(SecretId="piimask/test-keyring")
    stages = sorted(s for v in versions["Versions"] for s in v.get("VersionStages", []))
    assert stages == ["AWSCURRENT", "AWSPREVIOUS"]


def test_secretsmanager_missing_secret_is_a_clear_refusal(aws):  # noqa: F811
    with pytest.raises(kr.KeyringError, match="secret does not exist.*keys init"):
        kr.load("secretsmanager:nope")


def test_job_runs_with_a_secretsmanager_keyring(aws, spark, tmp_path, ring):  # noqa: F811
    kr.save(ring, "secretsmanager:piimask/job-keyring")
    src = write_csv(tmp_path / "in.csv", [good_row(i) for i in range(3)])
    record = run(spark, options(tmp_path, src, None, keyring="secretsmanager:piimask/job-keyring"))
    assert record["counts"]["rows_out"] == 3
    assert record["keyring"]["version_id"] and record["keyring"]["windows_used"] == ["2026Q2"]
    text = json.dumps(record)
    for key in [*ring.direct.values(), ring.token]:
        assert base64.b64encode(key).decode() not in text and key.hex() not in text


@pytest.mark.parametrize(
    "doc,message",
    [
        ("not json", "not valid JSON"),
        ('{"version": 2, "direct": {}, "token": ""}', '"version": 1'),
        ('{"version": 1, "direct": {"2026Q2": "!!"}, "token": "x"}', "not valid base64"),
        ('{"version": 1, "direct": {}, "token": "c2hvcnQ="}', "token is 5 bytes"),
    ],
)
def test_malformed_keyrings_are_refused_without_echoing_them(tmp_path, doc, message):
    (tmp_path / "k.json").write_text(doc)
    with pytest.raises(kr.KeyringError, match=message) as err:
        kr.load(f"file:{tmp_path}/k.json")
    assert "c2hvcnQ" not in str(err.value)


def test_bad_reference_is_a_usage_error_and_repr_hides_keys(ring):
    with pytest.raises(kr.KeyringUsageError) as err:
        kr.parse_ref("vault:thing")
    assert err.value.exit_code == 2
    shown = repr(ring) + str(ring)
    for key in ring.direct.values():
        assert base64.b64encode(key).decode() not in shown and key.hex() not in shown


def test_wrong_rotation_and_overwrite_are_refused(ring):
    with pytest.raises(kr.KeyringError, match="not monthly window ids"):
        ring.check_rotation("monthly")
    with pytest.raises(kr.KeyringError, match="never overwritten"):
        ring.with_window("2026Q2")


def test_the_refusal_says_a_shredded_window_was_shredded_and_suggests_no_add(ring):
    window = ring.windows[0]
    shredded = ring.without_window(window)
    assert shredded.shredded == {window}
    message = kr.missing_keys_message(shredded, [window, "2099Q1"], "file:/k.json", 7)
    assert f"no key for window(s) {window}, 2099Q1 (7 rows). Nothing was written." in message
    assert f"Window(s) {window} were shredded (crypto-erased)" in message
    assert "can no longer be masked consistently" in message
    assert f"--window {window}`" not in message  # no `keys add` for the shredded window
    assert "Window(s) 2099Q1 were never added; add them with `pii-mask keys add" in message
    only_shredded = kr.missing_keys_message(shredded, [window], "file:/k.json", 2)
    assert "keys add" not in only_shredded
    assert "shredded" not in kr.missing_keys_message(ring, ["2099Q1"], "file:/k.json", 1)
    assert shredded.with_window(window).shredded == frozenset()  # added again: no longer shredded


def test_the_shredded_list_round_trips_and_is_checked(tmp_path, ring):
    ref = f"file:{tmp_path / 'k.json'}"
    kr.save(ring.without_window(ring.windows[0]), ref)
    assert kr.load(ref).shredded == {ring.windows[0]}
    doc = json.loads((tmp_path / "k.json").read_text())
    assert doc["shredded"] == [ring.windows[0]]
    doc["shredded"] = "2026Q1"
    with pytest.raises(kr.KeyringError, match='"shredded" must be an array'):
        kr.keyring_from_doc(doc, ref)
