"""`--input-encoding` (run, the Glue entry) and `--raw-encoding` (verify): a name that is not a
character encoding, or one given for Parquet, is a usage error (exit 2) before Spark starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from piimask.aws.glue_entry import parse_glue_args
from piimask.cli import main as cli_main
from piimask.errors import UsageError
from piimask.frames.encoding import check_encoding
from piimask.job.options import options_from_args

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = str(ROOT / "rubric.yaml")


def _run_argv(tmp_path: Path, *more: str) -> list[str]:
    argv = ["run", "--rubric", RUBRIC, "--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / "out")]
    argv += ["--quarantine", str(tmp_path / "q"), "--vault", str(tmp_path / "v")]
    return [*argv, "--keyring", f"file:{tmp_path / 'k.json'}", *more]


@pytest.mark.parametrize("name", ["utf-8", "UTF8", "latin-1", "latin1", "iso-8859-15", "cp1252", "utf-16"])
def test_known_encodings_are_accepted(name):
    check_encoding(name, "csv")
    check_encoding(name, "json")


@pytest.mark.parametrize(
    "name,fmt,message",
    [
        ("klingon", "csv", "'klingon' is not a known character encoding"),
        ("base64", "csv", "is a codec, not a character encoding"),
        ("latin-1", "parquet", "applies to CSV and JSON input only"),
    ],
)
def test_unknown_encodings_are_usage_errors(name, fmt, message):
    with pytest.raises(UsageError, match=message) as err:
        check_encoding(name, fmt)
    assert err.value.exit_code == 2


def test_run_refuses_an_unknown_encoding_with_exit_2_before_spark(tmp_path, capsys):
    assert cli_main(_run_argv(tmp_path, "--input-encoding", "klingon")) == 2
    err = capsys.readouterr().err
    assert "--input-encoding 'klingon' is not a known character encoding" in err
    assert "Traceback" not in err
    assert cli_main(_run_argv(tmp_path, "--input-format", "parquet", "--input-encoding", "cp1252")) == 2
    assert "applies to CSV and JSON input only" in capsys.readouterr().err


def test_the_glue_entry_takes_the_same_flag():
    argv = ["job.py", "--rubric", "r", "--input", "i", "--output", "o", "--quarantine", "q"]
    argv += ["--vault", "v", "--keyring", "file:k", "--input-encoding", "cp1252"]
    args, _, ignored = parse_glue_args(argv)
    assert ignored == [] and options_from_args(args).input_encoding == "cp1252"
    args, _, _ = parse_glue_args(argv[:-2])
    assert options_from_args(args).input_encoding == "utf-8"


def test_verify_refuses_an_unknown_raw_encoding_with_exit_2(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "raw.csv").write_text("event_id\n1\n", encoding="utf-8")
    argv = [
        "verify",
        "--rubric",
        RUBRIC,
        "--output",
        str(tmp_path / "out"),
        "--raw",
        str(tmp_path / "raw.csv"),
    ]
    assert cli_main([*argv, "--raw-encoding", "klingon"]) == 2
    assert "--raw-encoding 'klingon' is not a known character encoding" in capsys.readouterr().err
