"""k-anonymity by hand, in plain Python: the oracle the Spark enforcement is compared with."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_FLOOR, Decimal

import yaml
from rubric_variants import DEFAULT

QIS = ["gps_lat", "gps_lon", "job_site_address", "operator_age"]


def rubric_text(**privacy_section) -> str:
    doc = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    doc["privacy"] = privacy_section
    return yaml.safe_dump(doc, sort_keys=False)


def floor_to(value: str, places: int, shown: int) -> str:
    """Floor to ``places`` decimals, written with ``shown`` decimals: ("45.539", 1, 2) -> "45.50"."""
    step = Decimal(1).scaleb(-places)
    snapped = (Decimal(value) / step).to_integral_value(ROUND_FLOOR) * step
    return str(snapped.quantize(Decimal(1).scaleb(-shown)))


def coarse_py(row: dict) -> dict:
    """The next coarser level, by hand: 0.1 degree grid (shown with 2 decimals), 10-year bins."""
    out = dict(row)
    out["gps_lat"] = floor_to(row["gps_lat"], 1, 2)
    out["gps_lon"] = floor_to(row["gps_lon"], 1, 2)
    out["operator_age"] = str(int(row["operator_age"]) // 10 * 10)
    return out


def enforce_py(rows: list[dict], qis: list[str], k: int, action: str) -> tuple[list[dict], dict]:
    key = lambda r: tuple(r[q] for q in qis)  # noqa: E731
    sizes = Counter(key(r) for r in rows)
    small = [r for r in rows if sizes[key(r)] < k]
    kept = [r for r in rows if sizes[key(r)] >= k]
    stats = {"small_before": len(small), "generalized": 0, "suppressed": 0}
    if action == "report":
        kept = rows
    elif action == "suppress":
        stats["suppressed"] = len(small)
    else:
        retried = [coarse_py(r) for r in small]
        coarse_sizes = Counter(key(r) for r in retried)
        ok = [r for r in retried if coarse_sizes[key(r)] >= k]
        stats["generalized"], stats["suppressed"] = len(ok), len(retried) - len(ok)
        kept = kept + ok
    return kept, stats


def class_stats_py(rows: list[dict], qis: list[str]) -> dict:
    sizes = Counter(tuple(r[q] for q in qis) for r in rows)
    n = len(rows)
    return {
        "k": min(sizes.values()),
        "classes": len(sizes),
        "unique_fraction": sum(1 for r in rows if sizes[tuple(r[q] for q in qis)] == 1) / n,
        "risk_max": 1 / min(sizes.values()),
        "risk_mean": sum(1 / sizes[tuple(r[q] for q in qis)] for r in rows) / n,
        "histogram": Counter(sizes.values()),
    }


def sorted_rows(rows):
    return sorted(rows, key=lambda r: r["battery_pct"])
