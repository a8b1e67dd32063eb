"""Issue 25: `--input-encoding`. A file in a named encoding masks exactly as its UTF-8 twin does
(same digests, same redaction), verify reads it with `--raw-encoding`, and UTF-8 stays the
default that refuses bytes it cannot decode."""

from __future__ import annotations

import json

import pytest
from run_support import COLUMNS, good_row, options, write_csv

from piimask.errors import Refused
from piimask.job import run
from piimask.keys.keyring import new_keyring, save

NAME = "José Müller"


@pytest.fixture(scope="module")
def keyring_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    save(new_keyring("quarterly", back=12, ahead=4), f"file:{path}")
    return path


def _rows() -> list[dict]:
    data = [good_row(i, error_code="E001") for i in range(4)]  # JSON lines omit empty keys
    for r in data[:2]:  # accented text in a direct column (hashed) and in free text (redacted)
        r.update(operator_name=NAME, operator_notes=f"{NAME} checked the chuck at the café")
    return data


def _sorted_output(spark, folder) -> list[tuple]:
    return sorted(map(tuple, spark.read.parquet(str(folder)).select(*COLUMNS).collect()))


@pytest.fixture(scope="module")
def utf8_twin(spark, tmp_path_factory, keyring_file):
    """The rows written as UTF-8 and masked: what every other encoding must give."""
    tmp = tmp_path_factory.mktemp("utf8")
    src = write_csv(tmp / "in.csv", _rows())
    run(spark, options(tmp, src, keyring_file))
    out = _sorted_output(spark, tmp / "out")
    notes = {r[COLUMNS.index("operator_notes")] for r in out}
    assert "[PERSON] checked the chuck at the café" in notes  # the name is caught, café kept
    return src, out


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_a_named_encoding_masks_like_its_utf8_twin(spark, tmp_path, keyring_file, utf8_twin, encoding):
    utf8_src, expected = utf8_twin
    src = tmp_path / "in.csv"
    src.write_bytes(utf8_src.read_text(encoding="utf-8").encode(encoding))
    record = run(spark, options(tmp_path, src, keyring_file, input_encoding=encoding))
    assert record["input"]["encoding"] == encoding
    assert _sorted_output(spark, tmp_path / "out") == expected


def test_latin1_json_lines_mask_like_the_utf8_twin(spark, tmp_path, keyring_file, utf8_twin):
    _, expected = utf8_twin
    lines = [json.dumps({c: r[c] for c in COLUMNS if r[c]}, ensure_ascii=False) for r in _rows()]
    src = tmp_path / "in.json"
    src.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    run(spark, options(tmp_path, src, keyring_file, input_format="json", input_encoding="latin-1"))
    got = sorted(map(tuple, spark.read.parquet(str(tmp_path / "out")).select(*COLUMNS).collect()))
    # JSON lines omit empty keys: compare with the empty strings of the CSV read as nulls
    assert got == sorted(tuple(v if v != "" else None for v in r) for r in expected)


def test_the_default_still_refuses_latin1_and_names_the_flag(spark, tmp_path, keyring_file, utf8_twin):
    utf8_src, _ = utf8_twin
    src = tmp_path / "in.csv"
    src.write_bytes(utf8_src.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(Refused, match="not valid UTF-8") as err:
        run(spark, options(tmp_path, src, keyring_file))
    assert "--input-encoding" in str(err.value) and "Müller" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_verify_reads_the_raw_input_in_its_encoding(spark, tmp_path, keyring_file, utf8_twin):
    from piimask.verify import verify
    from piimask.verify.context import VerifyError

    utf8_src, _ = utf8_twin
    src = tmp_path / "in.csv"
    src.write_bytes(utf8_src.read_text(encoding="utf-8").encode("latin-1"))
    o = options(tmp_path, src, keyring_file, input_encoding="latin-1")
    run(spark, o)
    report = verify(spark, o.rubric, o.output, raw=str(src), raw_encoding="latin-1", keyring=o.keyring)
    assert report.passed, [r for r in report.results if not r.passed]
    with pytest.raises(VerifyError, match="not valid UTF-8.*--raw-encoding"):
        verify(spark, o.rubric, o.output, raw=str(src), keyring=o.keyring)
