"""Small inputs for whole runs of the job: a valid row, a CSV writer and the run's options."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rubric_variants import without_privacy

from piimask.job import RunOptions
from piimask.tools.generate import COLUMNS as SCHEMA

COLUMNS = list(SCHEMA)  # the full reference schema + the generator's columns


def good_row(i: int = 0, **over) -> dict:
    row = {
        "event_id": f"evt-{i:04d}",
        "event_ts": f"2026-04-22T{10 + i % 10:02d}:{i % 60:02d}:11+00:00",
        "tool_serial": f"DW{8675309000 + i % 7}",
        "tool_model": "DCD800",
        "tool_model_name": "20V MAX Drill",
        "firmware_version": "2.5.0",
        "operator_id": f"OP-{10040 + i % 5}",
        "operator_email": f"op{i % 5}.person@example.com",
        "operator_name": f"Person{i % 5} Example",
        "job_site_id": f"JS-00{i % 3}",
        "job_site_address": "1200 W Burnside St, Portland, OR 97209",
        "gps_lat": "45.521234",
        "gps_lon": "-122.681345",
        "battery_pct": str(50 + i % 50),
        "torque_nm": "42.3",
        "usage_minutes": str(i % 90),
        "error_code": "",
        "device_mac": f"aa:bb:cc:dd:ee:{i % 256:02x}",
        "operator_phone": "(503) 555-0142",
        "operator_age": str(20 + i % 40),
        "operator_notes": f"Person{i % 5} checked the chuck",
    }
    row.update(over)
    return row


def write_csv(path: Path, rows: list[dict], columns: list[str] = COLUMNS) -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def options(tmp: Path, input_path, keyring_file, **over) -> RunOptions:
    base = dict(
        rubric=without_privacy(),  # tiny inputs; k-anonymity is tested in test_privacy.py
        input=str(input_path),
        output=str(tmp / "out"),
        quarantine=str(tmp / "raw" / "quarantine"),
        vault=str(tmp / "raw" / "vault"),
        keyring=f"file:{keyring_file}",
    )
    base.update(over)
    return RunOptions(**base)
