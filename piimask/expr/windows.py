"""Key windows: which direct-identifier key a row's event time (UTC) selects."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from pyspark.sql import Column
from pyspark.sql import functions as F

__all__ = ["WINDOW_PATTERNS", "shift_window", "window_id", "window_id_expr", "window_start"]

WINDOW_PATTERNS = {
    "quarterly": re.compile(r"^(\d{4})Q([1-4])$"),
    "monthly": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "yearly": re.compile(r"^(\d{4})$"),
}
EPOCH = "1970-01-01"


def window_id(moment: datetime | date, rotation: str) -> str:
    """Window id of a moment: quarterly 2026Q2, monthly 2026-04, yearly 2026 (UTC)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        moment = moment.date()
    if rotation == "quarterly":
        return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"
    if rotation == "monthly":
        return f"{moment.year}-{moment.month:02d}"
    return f"{moment.year}"


def window_start(window: str, rotation: str) -> date:
    m = WINDOW_PATTERNS[rotation].match(window)
    if not m:
        raise ValueError(f"window {window!r} is not a {rotation} window id")
    year = int(m.group(1))
    if rotation == "quarterly":
        return date(year, 3 * (int(m.group(2)) - 1) + 1, 1)
    if rotation == "monthly":
        return date(year, int(m.group(2)), 1)
    return date(year, 1, 1)


def shift_window(window: str, rotation: str, steps: int) -> str:
    """The window ``steps`` periods after (or before, if negative) ``window``."""
    start = window_start(window, rotation)
    months = {"quarterly": 3, "monthly": 1, "yearly": 12}[rotation] * steps
    index = start.year * 12 + start.month - 1 + months
    return window_id(date(index // 12, index % 12 + 1, 1), rotation)


def utc_date(epoch_seconds: Column) -> Column:
    """The UTC calendar date of an epoch-seconds column, independent of the session time zone."""
    return F.date_add(F.lit(EPOCH).cast("date"), F.floor(epoch_seconds / 86400).cast("int"))


def window_id_expr(epoch_seconds: Column, rotation: str) -> Column:
    """Native expression for ``window_id`` over an epoch-seconds column."""
    day = utc_date(epoch_seconds)
    year = F.year(day).cast("string")
    if rotation == "quarterly":
        return F.concat(year, F.lit("Q"), F.quarter(day).cast("string"))
    if rotation == "monthly":
        return F.concat(year, F.lit("-"), F.lpad(F.month(day).cast("string"), 2, "0"))
    return year
