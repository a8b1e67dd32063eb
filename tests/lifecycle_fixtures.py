"""A small masked dataset on real files for the lifecycle tests (erase, detokenize, retention).

Four people (P0 is the data subject: distinctive "canary" values), events in 2026Q1 and 2026Q2,
three input CSV files, one row that fails validation (quarantined). The job runs once per test
module; each test works on its own copy of the output and vault.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from piimask.job import RunOptions, run
from piimask.keys.keyring import Keyring, new_keyring, save
from piimask.tools.generate import COLUMNS as SCHEMA

ROOT = Path(__file__).resolve().parents[1]
# the 17 reference columns plus device_mac (no phone, age or notes: optional in the rubric)
COLUMNS = [c for c in SCHEMA if c not in ("operator_phone", "operator_age", "operator_notes")]
PEOPLE = [
    # operator_id, email, name, serial, mac, site
    (
        "OP-70001",
        "zelda.canaryquist@example.com",
        "Zelda Canaryquist",
        "DW7700112233",
        "02:aa:bb:cc:dd:01",
        "JS-901",
    ),
    ("OP-70002", "jordan.patel@example.com", "Jordan Patel", "DW7700112244", "02:aa:bb:cc:dd:02", "JS-002"),
    ("OP-70003", "sam.garcia@example.com", "Sam Garcia", "DW7700112255", "02:aa:bb:cc:dd:03", "JS-002"),
    ("OP-70004", "lee.wong@example.com", "Lee Wong", "DW7700112266", "02:aa:bb:cc:dd:04", "JS-003"),
]
SUBJECT = PEOPLE[0]
# raw values of the data subject that must never be printed, logged or certified
CANARIES = list(SUBJECT)


def row(i: int, person: int, ts: str, **over) -> dict:
    op, email, name, serial, mac, site = PEOPLE[person]
    r = {
        "event_id": f"evt-{i:04d}-{person}",
        "event_ts": ts,
        "tool_serial": serial,
        "tool_model": "DCD800",
        "tool_model_name": "20V MAX Drill",
        "firmware_version": "2.5.0",
        "operator_id": op,
        "operator_email": email,
        "operator_name": name,
        "job_site_id": site,
        "job_site_address": "1200 W Burnside St, Portland, OR 97209",
        "gps_lat": f"45.52{i:02d}34",
        "gps_lon": "-122.681345",
        "battery_pct": str(40 + i),
        "torque_nm": f"{30 + i}.5",
        "usage_minutes": str(i),
        "error_code": "E001_LOW_BATT" if i % 4 == 0 else "",
        "device_mac": mac,
    }
    r.update(over)
    return r


def input_files() -> list[list[dict]]:
    """File 0 holds every row of P0 (the subject); files 1 and 2 hold none."""
    f0 = [
        row(i, 0 if i < 4 else 1, f"2026-{'04' if i % 2 else '01'}-1{i}T0{i}:15:00+00:00") for i in range(8)
    ]
    f1 = [row(10 + i, 1 + i % 3, f"2026-04-2{i % 9}T1{i % 9}:05:00+00:00") for i in range(8)]
    f2 = [row(20 + i, 2 + i % 2, f"2026-02-1{i % 9}T0{i % 9}:45:00+00:00") for i in range(8)]
    f2.append(row(29, 3, "2026-02-19T09:45:00+00:00", gps_lat="123.5"))  # quarantined
    return [f0, f1, f2]


def write_csv(path: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@dataclass
class Dataset:
    root: Path
    input: Path
    output: Path
    quarantine: Path
    vault: Path
    keyring_ref: str
    keyring: Keyring
    record: dict
    rubric: str = str(ROOT / "rubric.yaml")

    def copy(self, dest: Path) -> Dataset:
        """This dataset's output, quarantine and vault copied under ``dest`` (same input, keyring)."""
        dest.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name in ("output", "quarantine", "vault"):
            shutil.copytree(getattr(self, name), dest / name)
            paths[name] = dest / name
        ring = dest / "keyring.json"
        shutil.copy(Path(self.keyring_ref[5:]), ring)
        return Dataset(
            dest, self.input, keyring_ref=f"file:{ring}", keyring=self.keyring, record=self.record, **paths
        )


def masked_dataset(spark, root: Path) -> Dataset:
    root.mkdir(parents=True, exist_ok=True)
    inp = root / "input"
    inp.mkdir()
    for n, rows in enumerate(input_files()):
        write_csv(inp / f"part{n}.csv", rows)
    keyring = new_keyring("quarterly", back=8, ahead=4, now=datetime(2026, 4, 22))
    ref = f"file:{root / 'keyring.json'}"
    save(keyring, ref)
    out, q, v = root / "output", root / "quarantine", root / "vault"
    record = run(spark, RunOptions(str(ROOT / "rubric.yaml"), str(inp), str(out), str(q), str(v), ref))
    return Dataset(root, inp, out, q, v, ref, keyring, record)


def digest(key: bytes, value: str) -> str:
    """An independent HMAC-SHA256 (Python's hmac), to check the kit's native one against."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def plain_token(key: bytes, prefix: str, namespace: str, value: str) -> str:
    return f"{prefix}_{digest(key, f'{namespace}:{value}')[:20]}"


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every visible data file (names relative to the folder)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(("_", ".")) for part in p.relative_to(folder).parts)
    }


def all_text(folder: Path) -> str:
    """Every file under a folder as text (binary parquet decoded leniently), for canary scans."""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


_SHARED: dict[int, Dataset] = {}


def shared_dataset(spark, tmp_path_factory) -> Dataset:
    """One job run per test session for every lifecycle module; tests work on ``copy()``s."""
    key = id(spark)
    if key not in _SHARED:
        _SHARED[key] = masked_dataset(spark, tmp_path_factory.mktemp("lifecycle") / "base")
    return _SHARED[key]
