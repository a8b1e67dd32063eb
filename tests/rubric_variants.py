"""Variants of the default rubric for tests (written once per test process to a temp folder,
removed when the process exits).

``without_privacy()``: rubric.yaml minus its ``privacy:`` section. Tests of other invariants use
tiny inputs (3 to 40 rows) in which k-anonymity would rightly suppress most rows; they mask with
this variant, and tests/test_privacy.py runs the full default rubric.

``tolerant_quarantine()``: ``without_privacy()`` whose quarantine ceiling admits any share but
all. Tests that quarantine a large share of a tiny input on purpose (one row of each kind of bad
value) use it; the default 5% ceiling is tested on its own in tests/e2e/test_attacks.py.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import yaml

from piimask.treatments import DEFAULT_TREATMENT

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "rubric.yaml"

__all__ = [
    "DEFAULT",
    "tolerant_quarantine",
    "with_privacy",
    "with_quarantine_ceiling",
    "without_keyed",
    "without_privacy",
]


def _write(name: str, doc: dict) -> str:
    folder = Path(tempfile.mkdtemp(prefix="piimask-rubric-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)


@functools.cache
def without_privacy() -> str:
    doc = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    doc.pop("privacy", None)
    return _write("rubric-without-privacy.yaml", doc)


@functools.cache
def tolerant_quarantine() -> str:
    doc = yaml.safe_load(Path(without_privacy()).read_text(encoding="utf-8"))
    doc["quarantine"] = {"max_share": 1.0}
    return _write("rubric-tolerant-quarantine.yaml", doc)


@functools.cache
def without_keyed() -> str:
    """``without_privacy()`` with every HMAC and token column dropped: an output with no keyed
    column, whose direct and quasi values verify still looks for in the raw input."""
    doc = yaml.safe_load(Path(without_privacy()).read_text(encoding="utf-8"))
    for col in doc["columns"]:
        if col.get("treatment", DEFAULT_TREATMENT.get(col["bucket"])) in ("hmac", "token"):
            col["treatment"] = "drop"
            col.pop("params", None)
    return _write("rubric-without-keyed.yaml", doc)


def with_privacy(folder: Path, **privacy) -> str:
    """rubric.yaml with its privacy section replaced by ``privacy`` (written under ``folder``)."""
    doc = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    doc["privacy"] = privacy
    path = Path(folder) / "rubric-privacy.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)


def with_quarantine_ceiling(folder: Path, share: float) -> str:
    """rubric.yaml (privacy kept) with its quarantine ceiling set to ``share`` (under ``folder``)."""
    doc = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    doc["quarantine"] = {"max_share": share}
    path = Path(folder) / "rubric-quarantine.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)
