"""Issue 25, secrets: key files written safely, weak or shared keys refused, the detokenize
reason and --out checked before anything is looked up. No Spark."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from datetime import UTC, datetime

import pytest

from piimask.errors import Refused, UsageError
from piimask.keys import keyring as kr
from piimask.lifecycle.detokenize import check_out, check_reason


@pytest.fixture
def ring():
    return kr.new_keyring("quarterly", back=1, ahead=1, now=datetime(2026, 5, 1, tzinfo=UTC))


def doc(ring, **change) -> str:
    d = json.loads(ring.to_json())
    for where, value in change.items():
        if where == "token":
            d["token"] = value
        else:
            d["direct"][where] = value
    return json.dumps(d)


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_save_ignores_a_planted_tmp_file_and_symbolic_link(tmp_path, ring):
    path = tmp_path / "keyring.json"
    target = tmp_path / "attacker.txt"
    target.write_text("")
    (tmp_path / "keyring.json.tmp").symlink_to(target)  # the name the old code wrote through
    kr.save(ring, f"file:{path}")
    assert target.read_text() == ""  # no key material went through the link
    assert not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) == 0o600
    (tmp_path / "keyring.json.tmp").unlink()
    planted = tmp_path / "keyring.json.tmp"
    planted.write_text("")
    planted.chmod(0o666)  # a world-writable .tmp kept its mode under the old code
    kr.save(ring.with_window("2027Q1"), f"file:{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".keyring")] == []  # no temp left


def test_save_replaces_a_world_readable_keyring_with_a_private_one(tmp_path, ring):
    path = tmp_path / "keyring.json"
    path.write_text("{}")
    path.chmod(0o644)
    kr.save(ring, f"file:{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_same_key_under_two_windows_is_refused(tmp_path, ring):
    w = ring.windows
    (tmp_path / "k.json").write_text(doc(ring, **{w[1]: b64(ring.direct[w[0]])}))
    with pytest.raises(kr.KeyringError, match=f"windows {w[0]} and {w[1]} have the same key") as err:
        kr.load(f"file:{tmp_path}/k.json")
    assert b64(ring.direct[w[0]]) not in str(err.value)


def test_token_key_equal_to_a_window_key_is_refused(tmp_path, ring):
    w = ring.windows[0]
    (tmp_path / "k.json").write_text(doc(ring, token=b64(ring.direct[w])))
    with pytest.raises(kr.KeyringError, match=f"token key equals the key of window {w}"):
        kr.load(f"file:{tmp_path}/k.json")


@pytest.mark.parametrize("key", [bytes(32), b"ab" * 16, b"\x01\x02\x03\x04" * 8], ids=["zero", "ab", "1234"])
def test_all_zero_or_repeating_key_is_refused(tmp_path, ring, key):
    (tmp_path / "k.json").write_text(doc(ring, **{ring.windows[0]: b64(key)}))
    with pytest.raises(kr.KeyringError, match="not random") as err:
        kr.load(f"file:{tmp_path}/k.json")
    assert b64(key) not in str(err.value)


def test_world_readable_keyring_is_loaded_with_a_warning(tmp_path, ring, caplog):
    path = tmp_path / "k.json"
    kr.save(ring, f"file:{path}")
    with caplog.at_level(logging.WARNING, logger="piimask.keys"):
        kr.load(f"file:{path}")
    assert not caplog.records
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="piimask.keys"):
        kr.load(f"file:{path}")
    assert "chmod 600" in caplog.text and "other users can read" in caplog.text
    assert all(b64(k) not in caplog.text for k in ring.direct.values())


@pytest.mark.parametrize(
    "reason",
    [
        "requested by Alex Nguyen, DSAR-2026-0042",
        "DSAR-2026-0042 for maria garcia",
        "Garcia Maria asked, ticket 4711",
        "ticket 4711 from Ｊｏｈｎ Ｓｍｉｔｈ",  # full width
        "ticket 4711 from Jo\u200bhn Smith",  # zero-width space inside the name
        "ticket 4711 for someone@example.com",
    ],
)
def test_reason_naming_a_person_is_refused(reason):
    with pytest.raises(Refused, match="not the person") as err:
        check_reason(reason)
    assert "Smith" not in str(err.value) and "garcia" not in str(err.value).lower()


def test_reason_needs_a_ticket_and_accepts_ordinary_ones():
    with pytest.raises(Refused, match="names no ticket or case"):
        check_reason("because the customer asked")
    for ok in ("DSAR ticket 4711", "DSAR-2026-0042 contract audit", "GDPR Art. 15 access request"):
        assert check_reason(ok) == ok


def test_out_in_a_missing_folder_is_refused_before_any_lookup(tmp_path):
    with pytest.raises(UsageError, match="does not exist; nothing was looked up or logged"):
        check_out(str(tmp_path / "nope" / "values.jsonl"), str(tmp_path / "vault"))


def test_out_inside_a_masked_output_or_the_vault_is_refused(tmp_path):
    out = tmp_path / "masked"
    (out / "_audit").mkdir(parents=True)
    (out / "year=2026").mkdir()
    with pytest.raises(Refused, match="inside the masked output"):
        check_out(str(out / "year=2026" / "values.jsonl"), str(tmp_path / "vault"))
    (tmp_path / "link").symlink_to(out / "year=2026")
    with pytest.raises(Refused, match="inside the masked output"):
        check_out(str(tmp_path / "link" / "values.jsonl"), str(tmp_path / "vault"))
    (tmp_path / "vault").mkdir()
    with pytest.raises(Refused, match="inside the vault"):
        check_out(str(tmp_path / "vault" / "values.jsonl"), str(tmp_path / "vault"))
    assert check_out(str(tmp_path / "values.jsonl"), str(tmp_path / "vault")).name == "values.jsonl"


def test_out_written_600_even_over_an_existing_644_file(tmp_path):
    out = tmp_path / "values.jsonl"
    out.write_text("old")
    out.chmod(0o644)
    kr.write_private(out, '{"token": "t", "value": "v"}\n')
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text().startswith('{"token"')
    assert os.listdir(tmp_path) == ["values.jsonl"]
