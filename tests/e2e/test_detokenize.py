"""`pii-mask detokenize`: values through the vault for a reason, audited, never for digests."""

from __future__ import annotations

import json
import logging
import stat

import pytest
from lifecycle_fixtures import ROOT, SUBJECT, digest, plain_token, shared_dataset

from piimask.cli import main as cli_main

RUBRIC = str(ROOT / "rubric.yaml")


@pytest.fixture(scope="module")
def ds(spark, tmp_path_factory):
    return shared_dataset(spark, tmp_path_factory).copy(tmp_path_factory.mktemp("detok"))


def tokens_file(tmp_path, *tokens):
    path = tmp_path / "tokens.txt"
    path.write_text("\n".join(tokens) + "\n")
    return str(path)


def argv(ds, column, tokens, *extra):
    return ["detokenize", "--vault", str(ds.vault), "--column", column, "--tokens-file", tokens, *extra]


def access_events(ds):
    folder = ds.vault / "_access_log"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))] if folder.exists() else []


def test_detokenize_returns_values_and_logs_the_access_without_them(spark, ds, tmp_path, capfd, caplog):
    op = plain_token(ds.keyring.token, "op", "operator_id", SUBJECT[0])
    unknown = "op_" + "0" * 20
    out = tmp_path / "values.jsonl"
    before = len(access_events(ds))
    with caplog.at_level(logging.INFO):
        code = cli_main(
            argv(
                ds,
                "operator_id",
                tokens_file(tmp_path, op, unknown),
                "--reason",
                "DSAR ticket 4711",
                "--out",
                str(out),
            )
        )
    printed, err = capfd.readouterr()
    assert code == 0
    assert [json.loads(line) for line in out.read_text().splitlines()] == [{"token": op, "value": SUBJECT[0]}]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "1 of 2 token(s)" in err
    events = access_events(ds)
    assert len(events) == before + 1
    event = events[-1]
    assert event["reason"] == "DSAR ticket 4711" and event["column"] == "operator_id"
    assert event["tokens_requested"] == 2 and event["tokens_found"] == 1 and event["actor"]
    logged = printed + err + caplog.text + json.dumps(events)
    assert SUBJECT[0] not in logged and op not in logged  # no value, no token in the trail


def test_detokenize_to_stdout(spark, ds, tmp_path, capfd):
    site = plain_token(ds.keyring.token, "site", "job_site_id", SUBJECT[5])
    code = cli_main(
        argv(ds, "job_site_id", tokens_file(tmp_path, site), "--reason", "DSAR-2026-0042 contract audit")
    )
    printed, _ = capfd.readouterr()
    assert code == 0 and json.loads(printed) == {"token": site, "value": SUBJECT[5]}


def test_detokenize_refuses_without_a_reason_or_with_a_personal_one(ds, tmp_path, capfd):
    tokens = tokens_file(tmp_path, "op_" + "1" * 20)
    before = len(access_events(ds))
    assert cli_main(argv(ds, "operator_id", tokens)) == 1
    assert "refuses without a reason" in capfd.readouterr().err
    assert cli_main(argv(ds, "operator_id", tokens, "--reason", "   ")) == 1
    assert cli_main(argv(ds, "operator_id", tokens, "--reason", "asked by someone@example.com")) == 1
    assert "email address, phone number or person's name" in capfd.readouterr().err
    assert cli_main(argv(ds, "operator_id", tokens, "--reason", "DSAR-2026-0042 for Alex Nguyen")) == 1
    assert cli_main(argv(ds, "operator_id", tokens, "--reason", "because I was asked to")) == 1
    assert "names no ticket or case" in capfd.readouterr().err
    assert len(access_events(ds)) == before  # refused before anything was looked up


def test_detokenize_out_is_private_and_checked_before_the_access_log(spark, ds, tmp_path, capfd):
    op = plain_token(ds.keyring.token, "op", "operator_id", SUBJECT[0])
    tokens = tokens_file(tmp_path, op)
    before = len(access_events(ds))
    missing = tmp_path / "no-such-folder" / "values.jsonl"
    assert (
        cli_main(argv(ds, "operator_id", tokens, "--reason", "DSAR ticket 4711", "--out", str(missing))) == 2
    )
    inside = ds.output / "values.jsonl"
    assert (
        cli_main(argv(ds, "operator_id", tokens, "--reason", "DSAR ticket 4711", "--out", str(inside))) == 1
    )
    assert "inside the masked output" in capfd.readouterr().err and not inside.exists()
    assert len(access_events(ds)) == before  # neither was looked up nor logged
    out = tmp_path / "values.jsonl"
    out.write_text("")
    out.chmod(0o644)  # an existing, world-readable file
    code = cli_main(argv(ds, "operator_id", tokens, "--reason", "DSAR ticket 4711", "--out", str(out)))
    assert code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and SUBJECT[0] in out.read_text()


def test_detokenize_refuses_direct_columns_digests_are_irreversible(ds, tmp_path, capfd, monkeypatch):
    d = digest(next(iter(ds.keyring.direct.values())), SUBJECT[1])
    code = cli_main(
        argv(
            ds, "operator_email", tokens_file(tmp_path, d), "--reason", "DSAR ticket 4711", "--rubric", RUBRIC
        )
    )
    err = capfd.readouterr().err
    assert code == 1 and "irreversible" in err and d not in err
    # without a rubric (none in the working directory), a 64-hex digest is refused too
    monkeypatch.chdir(tmp_path)
    code = cli_main(argv(ds, "operator_email", tokens_file(tmp_path, d), "--reason", "DSAR ticket 4711"))
    assert code == 1 and "irreversible" in capfd.readouterr().err
