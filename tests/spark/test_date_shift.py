"""date_shift: a keyed per-entity offset within +-max_days that keeps one entity's intervals."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from pyspark.sql import functions as F

from piimask.aws.recipe import build_recipe
from piimask.errors import PiiMaskError
from piimask.expr.hmac import pad_key
from piimask.rubric import RubricError, parse_rubric
from piimask.rubric.markdown import column_table
from piimask.treatments import RowContext, treat

TOKEN_KEY = bytes(range(32))


def rubric(max_days: int = 30, entity: str = "operator_id", vtype: str = "timestamp"):
    return parse_rubric(
        f"""
version: "t"
event_time: {{column: event_ts, rotation: quarterly}}
columns:
  - {{name: event_ts, bucket: sensitive, treatment: hour, validate: {{type: timestamp, required: true}}}}
  - {{name: operator_id, bucket: quasi, params: {{prefix: op}}}}
  - name: visit
    bucket: sensitive
    treatment: date_shift
    params: {{entity: {entity}, max_days: {max_days}}}
    validate: {{type: {vtype}}}
"""
    )


def shifted(df, spec):
    pads = pad_key(TOKEN_KEY)
    ctx = RowContext(
        F.lit(b"\x00"),
        F.lit(b"\x00"),
        F.lit(bytearray(pads.ipad)),
        F.lit(bytearray(pads.opad)),
        lambda name: F.col(name),
        {f.name: f.dataType for f in df.schema.fields},
        (),
    )
    return df.select("operator_id", "visit", treat(spec, ctx).alias("shifted"))


def expected_offset(entity: str, max_days: int) -> int:
    """An independent derivation (Python's hmac) of the documented offset."""
    mac = hmac.new(TOKEN_KEY, f"date_shift:operator_id:{entity}".encode(), hashlib.sha256).hexdigest()
    return int(mac[:8], 16) % (2 * max_days + 1) - max_days


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_intervals_of_one_entity_are_kept_and_offsets_are_keyed(spark):
    spec = rubric(30).column("visit")
    base = datetime(2026, 3, 28, 22, 30, 5, tzinfo=UTC)  # near a month and quarter boundary
    rows = [
        (f"OP-{e}", (base + timedelta(days=3 * k, hours=e % 24, seconds=k)).isoformat())
        for e in range(40)
        for k in range(3)
    ]
    out = shifted(spark.createDataFrame(rows, "operator_id string, visit string"), spec).collect()
    by_entity: dict[str, list[tuple[datetime, datetime]]] = {}
    for r in out:
        by_entity.setdefault(r.operator_id, []).append((parse(r.visit), parse(r.shifted)))
    offsets = set()
    for entity, pairs in by_entity.items():
        deltas = {(s - v) for v, s in pairs}
        assert len(deltas) == 1, entity  # every event of the entity moved by the same amount
        (delta,) = deltas
        assert delta == timedelta(days=expected_offset(entity, 30))
        offsets.add(delta.days)
        originals = sorted(v for v, _ in pairs)
        moved = sorted(s for _, s in pairs)
        assert [b - a for a, b in pairwise(originals)] == [b - a for a, b in pairwise(moved)]
    assert len(offsets) > 10  # entities get different offsets


def test_offsets_stay_within_the_bound_and_reach_it(spark):
    spec = rubric(3).column("visit")
    rows = [(f"E{e}", "2026-05-01") for e in range(300)] + [(None, "2026-05-01")]
    out = shifted(spark.createDataFrame(rows, "operator_id string, visit string"), spec).collect()
    days = [(date.fromisoformat(r.shifted) - date(2026, 5, 1)).days for r in out]
    assert all(r.shifted is not None and len(r.shifted) == 10 for r in out)  # a date stays a date
    assert set(days) == {-3, -2, -1, 0, 1, 2, 3}


def test_date_and_timestamp_types_keep_type_and_precision(spark):
    spec = rubric(10).column("visit")
    ts = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    df = spark.createDataFrame([("OP-1", ts)], "operator_id string, visit timestamp")
    r = shifted(df, spec).collect()[0]
    assert r.shifted - r.visit == timedelta(days=expected_offset("OP-1", 10))
    dd = spark.createDataFrame([("OP-1", date(2026, 1, 2))], "operator_id string, visit date")
    r = shifted(dd, spec).collect()[0]
    assert r.shifted - r.visit == timedelta(days=expected_offset("OP-1", 10))
    nulls = spark.createDataFrame([("OP-1", None)], "operator_id string, visit string")
    assert shifted(nulls, spec).collect()[0].shifted is None  # null stays null


def test_rubric_checks_params_and_docs_and_recipe(spark):
    with pytest.raises(RubricError, match="params.entity"):
        rubric(entity="nobody")
    with pytest.raises(RubricError, match="params.max_days"):
        rubric(max_days=0)
    with pytest.raises(RubricError, match="timestamp for treatment date_shift"):
        rubric(vtype="string")
    assert "keyed per-`operator_id` offset within ±30 days" in column_table(rubric(30))
    with pytest.raises(PiiMaskError, match="no DataBrew rendering"):
        build_recipe(rubric(30))
