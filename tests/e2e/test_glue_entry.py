"""The Glue entry: Glue's injected arguments, spark-submit, machine and session time zones,
and a canary sweep of everything a run prints, logs and audits."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

from rubric_variants import with_quarantine_ceiling, without_privacy
from test_job import COLUMNS, REFERENCE, good_row, write_csv

from piimask.aws.glue_entry import parse_glue_args
from piimask.job import RunOptions, run
from piimask.keys.keyring import load, new_keyring, save

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
OURS = [
    "--rubric",
    "rubric.yaml",
    "--input",
    "in.csv",
    "--output",
    "out",
    "--quarantine",
    "q",
    "--vault",
    "v",
    "--keyring",
    "file:k.json",
]
GLUE = [
    "--JOB_NAME",
    "piimask-job",
    "--JOB_ID",
    "j_1",
    "--JOB_RUN_ID",
    "jr_abc",
    "--TempDir",
    "s3://tmp/x",
    "--job-bookmark-option",
    "job-bookmark-disable",
    "--enable-metrics",
    "true",
    "--enable-continuous-cloudwatch-log",
    "true",
    "--job-language",
    "python",
]


def test_glue_arguments_are_accepted_beside_ours():
    import awsglue.utils  # noqa: F401  the official AWSGlueDataplanePython package (dev extra)

    args, glue, ignored = parse_glue_args(["pii_masking_job.py", *GLUE[:4], *OURS, *GLUE[4:]])
    assert glue["JOB_NAME"] == "piimask-job" and glue["JOB_RUN_ID"] == "jr_abc"
    assert glue["job_bookmark_option"] == "job-bookmark-disable"
    assert (args.input, args.output, args.keyring) == ("in.csv", "out", "file:k.json")
    assert args.input_format == "csv" and args.output_format == "parquet"
    assert set(ignored) == {"--enable-metrics", "--enable-continuous-cloudwatch-log", "--job-language"}


def _env(**extra) -> dict:
    env = dict(os.environ)
    env.update(
        PATH=f"{BIN}:{env.get('PATH', '')}",
        PYSPARK_PYTHON=sys.executable,
        PYSPARK_DRIVER_PYTHON=sys.executable,
        SPARK_LOCAL_IP="127.0.0.1",
    )
    env.pop("PYSPARK_GATEWAY_PORT", None)
    env.update(extra)
    return env


def test_spark_submit_in_another_time_zone_gives_the_same_output(spark, tmp_path):
    """The reference sample plus rows with offsets and a quarter boundary, run in process (UTC
    session) and by spark-submit with TZ, the JVM and the session all in Asia/Kolkata. The rubric
    has no privacy section: 24 rows are too few for k=5 (tests/test_privacy.py covers that)."""
    keyring = tmp_path / "keyring.json"
    save(new_keyring("quarterly"), f"file:{keyring}")
    reference_columns = REFERENCE.read_text(encoding="utf-8").splitlines()[0].split(",")
    rows = [
        good_row(i, event_ts=ts)
        for i, ts in enumerate(
            [
                "2026-04-22T23:32:11+00:00",
                "2026-06-30T22:10:00-07:00",
                "2026-04-01T02:00:00+05:30",
                "2026-04-22 18:45:00",
            ]
        )
    ]
    extra = write_csv(tmp_path / "extra.csv", rows, reference_columns).read_text(encoding="utf-8")
    src = tmp_path / "in.csv"
    src.write_text(REFERENCE.read_text(encoding="utf-8") + extra.split("\n", 1)[1], encoding="utf-8")
    run(
        spark,
        RunOptions(
            rubric=without_privacy(),
            input=str(src),
            output=str(tmp_path / "utc"),
            quarantine=str(tmp_path / "q1"),
            vault=str(tmp_path / "v1"),
            keyring=f"file:{keyring}",
        ),
    )
    proc = subprocess.run(
        [
            str(BIN / "spark-submit"),
            "--master",
            "local[2]",
            "--conf",
            "spark.sql.session.timeZone=Asia/Kolkata",
            "--conf",
            "spark.ui.enabled=false",
            "--driver-java-options",
            # spark-submit starts this JVM, not piimask.session: the suite's JIT flags go here
            f"-Duser.timezone=Asia/Kolkata {os.environ.get('PIIMASK_EXTRA_JAVA_OPTIONS', '')}".strip(),
            str(ROOT / "glue" / "pii_masking_job.py"),
            "--JOB_NAME",
            "local-test",
            "--rubric",
            without_privacy(),
            "--input",
            str(src),
            "--output",
            str(tmp_path / "ist"),
            "--quarantine",
            str(tmp_path / "q2"),
            "--vault",
            str(tmp_path / "v2"),
            "--keyring",
            f"file:{keyring}",
            "--enable-metrics",
            "true",
        ],
        env=_env(TZ="Asia/Kolkata"),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "rows in 24 = out 24 + quarantined 0" in proc.stdout
    a = sorted(map(tuple, spark.read.parquet(str(tmp_path / "utc")).collect()))
    b = sorted(map(tuple, spark.read.parquet(str(tmp_path / "ist")).collect()))
    assert a == b and len(a) == 24
    hours = sorted(r.event_ts for r in spark.read.parquet(str(tmp_path / "ist")).collect())
    assert hours[0] == "2026-03-31T20:00:00+00:00" and hours[-1] == "2026-07-01T05:00:00+00:00"
    assert "2026-04-22T18:00:00+00:00" in hours and "2026-04-22T23:00:00+00:00" in hours
    audit = json.loads(next((tmp_path / "ist" / "_audit").glob("*.json")).read_text())
    assert audit["keyring"]["windows_used"] == ["2026Q1", "2026Q2", "2026Q3"]
    assert audit["job"]["name"] == "local-test"


CANARIES = {
    "event_id": "cnry-evt-7f3a9d",
    "tool_serial": "CNRY00000017",
    "operator_id": "OP-CNRY17",
    "operator_email": "canary.zqx@cnry-mail.example",
    "operator_name": "Zqxcanary Wlkcanary",
    "job_site_id": "JS-CNRY17",
    "job_site_address": "77 Qqcanary Lane, Xxcanaryton, OR 97000",
    "gps_lat": "45.123457",
    "gps_lon": "-122.987653",
    "device_mac": "c4:7a:9e:00:11:cd",
    "operator_phone": "(415) 867-5309",
    "operator_age": "47",
    "operator_notes": "Zqxcanary paged canary.zqx@cnry-mail.example from 10.77.7.77",
    "tool_model": "CNRYMODEL",
    "tool_model_name": "Canary Drill Zq",
    "firmware_version": "9.9.9-cnry",
    "battery_pct": "77",
    "torque_nm": "77.7",
    "usage_minutes": "777",
    "error_code": "E777_CNRY",
}
SECRET_LOOKING = [
    v for k, v in CANARIES.items() if k not in ("operator_age", "battery_pct", "torque_nm", "usage_minutes")
]


def test_no_value_or_key_reaches_stdout_stderr_logs_or_audit(tmp_path):
    keyring = tmp_path / "keyring.json"
    save(new_keyring("quarterly"), f"file:{keyring}")
    keys = load(f"file:{keyring}")
    key_strings = [base64.b64encode(k).decode() for k in [*keys.direct.values(), keys.token]]
    key_strings += [k.hex() for k in [*keys.direct.values(), keys.token]]
    rows = [
        dict(good_row(0), **CANARIES),
        dict(good_row(1), **CANARIES, event_ts="cnry-not-a-time"),  # quarantined
        dict(good_row(2), **dict(CANARIES, gps_lat="99.5")),
    ]
    src = write_csv(tmp_path / "in.csv", rows)
    env = _env(PIIMASK_DEBUG="0")
    common = [
        "--rubric",
        with_quarantine_ceiling(tmp_path, 1.0),  # 2 of 3 rows quarantined on purpose
        "--quarantine",
        str(tmp_path / "q"),
        "--vault",
        str(tmp_path / "v"),
        "--keyring",
        f"file:{keyring}",
    ]
    ok = subprocess.run(
        [str(BIN / "pii-mask"), "run", "--input", str(src), "--output", str(tmp_path / "out"), *common],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ok.returncode == 0, ok.stderr[-2000:]
    # an unknown column full of canaries: refused, and the refusal quotes no value
    bad = write_csv(
        tmp_path / "bad.csv",
        [dict(r, secret_col=CANARIES["operator_email"]) for r in rows],
        COLUMNS + ["secret_col"],
    )
    refused = subprocess.run(
        [str(BIN / "pii-mask"), "run", "--input", str(bad), "--output", str(tmp_path / "out2"), *common],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode == 1 and "secret_col" in refused.stderr
    assert "Traceback" not in refused.stderr
    audit_files = list((tmp_path / "out" / "_audit").glob("*.json"))
    assert len(audit_files) == 1
    record = json.loads(audit_files[0].read_text())
    assert record["counts"]["rows_quarantined"] == 2
    haystacks = {
        "stdout": ok.stdout + refused.stdout,
        "stderr": ok.stderr + refused.stderr,
        "audit": audit_files[0].read_text(),
    }
    assert "audit {" in ok.stderr  # the audit line is logged
    for where, text in haystacks.items():
        lowered = text.lower()
        for value in SECRET_LOOKING:
            assert value.lower() not in lowered, f"a raw {value!r} leaked into {where}"
        for key in key_strings:
            assert key not in text, f"key material leaked into {where}"
