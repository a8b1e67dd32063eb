"""Each treatment as a native expression: input and expected output side by side."""

from __future__ import annotations

import hashlib
import hmac as py_hmac
import re
from contextlib import contextmanager

import pytest
from pyspark.sql import functions as F

from piimask.expr.hmac import pad_key
from piimask.rubric import parse_rubric
from piimask.treatments import RowContext, treat

KEY = bytes(range(32))
TOKEN_KEY = bytes(range(100, 132))

RUBRIC = """
version: t
event_time: {column: ts, rotation: quarterly}
columns:
  - {name: ts, bucket: sensitive, treatment: hour, validate: {type: timestamp, required: true}}
  - {name: lat, bucket: sensitive, treatment: gps_grid, params: {precision: 2}}
  - {name: age, bucket: sensitive, treatment: age_bin, params: {width: 5}}
  - {name: addr, bucket: sensitive, treatment: city_state}
  - {name: salary, bucket: sensitive, treatment: band, params: {width: 10000}}
  - {name: email, bucket: direct}
  - {name: name, bucket: direct}
  - {name: op, bucket: quasi, params: {prefix: op}}
  - {name: mac, bucket: quasi, params: {prefix: mac, format: mac}}
  - {name: mail_tok, bucket: quasi, params: {prefix: em, format: email}}
  - {name: notes, bucket: sensitive, treatment: redact}
  - {name: torque, bucket: behavioral}
"""


@pytest.fixture(scope="module")
def spec():
    return parse_rubric(RUBRIC)


def apply(spark, spec, column, values, extra=None):
    """Run one treatment over a small table; ``extra`` adds other raw columns per row."""
    extra = extra or {}
    names = [column] + list(extra)
    rows = [tuple([v] + [extra[n][i] for n in extra]) for i, v in enumerate(values)]
    df = spark.createDataFrame(rows, ", ".join(f"`{n}` string" for n in names))
    d, t = pad_key(KEY), pad_key(TOKEN_KEY)
    df = df.select(
        "*",
        F.lit(d.ipad).alias("_di"),
        F.lit(d.opad).alias("_do"),
        F.lit(t.ipad).alias("_ti"),
        F.lit(t.opad).alias("_to"),
    )
    dtypes = {f.name: f.dataType for f in df.schema.fields}
    identifiers = tuple(c for c in spec.columns if c.bucket in ("direct", "quasi") and c.name in dtypes)
    ctx = RowContext(F.col("_di"), F.col("_do"), F.col("_ti"), F.col("_to"), F.col, dtypes, identifiers)
    return [r[0] for r in df.select(treat(spec.column(column), ctx)).collect()]


@contextmanager
def session_time_zone(spark, tz):
    old = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", tz)
    try:
        yield
    finally:
        spark.conf.set("spark.sql.session.timeZone", old)


@pytest.mark.parametrize("column", [c.name for c in parse_rubric(RUBRIC).columns])
def test_every_treatment_maps_null_to_null(spark, spec, column):
    """treat() has no null guard of its own (it would stop Spark sharing subexpressions)."""
    assert apply(spark, spec, column, [None, "x"])[0] is None


def test_gps_grid_exact_two_decimals_without_float_noise(spark, spec):
    raw = ["45.521234", "-122.681345", "0.29", "-0.001", "45.5", "90", "-180", "1e-3", None]
    want = ["45.52", "-122.69", "0.29", "-0.01", "45.50", "90.00", "-180.00", "0.00", None]
    assert apply(spark, spec, "lat", raw) == want


def test_age_bins_are_lower_bounds(spark, spec):
    assert apply(spark, spec, "age", ["0", "4", "5", "37", "39", "40", " 64 ", None]) == [
        "0",
        "0",
        "5",
        "35",
        "35",
        "40",
        "60",
        None,
    ]


def test_band(spark, spec):
    assert apply(spark, spec, "salary", ["0", "9999", "10000", "123456.78"]) == ["0", "0", "10000", "120000"]


@pytest.mark.parametrize("tz", ["UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"])
def test_hour_is_utc_whatever_the_session_time_zone(spark, spec, tz):
    raw = [
        "2026-04-22T14:32:11+00:00",
        "2026-04-22T14:32:11+05:30",
        "2026-04-22T23:59:59-07:00",
        "2026-04-22 14:32:11",
        "2026-03-31T23:30:00Z",
        "2026-04-22T14:32:11.123456Z",
        None,
    ]
    want = [
        "2026-04-22T14:00:00+00:00",
        "2026-04-22T09:00:00+00:00",
        "2026-04-23T06:00:00+00:00",
        "2026-04-22T14:00:00+00:00",
        "2026-03-31T23:00:00+00:00",
        "2026-04-22T14:00:00+00:00",
        None,
    ]
    with session_time_zone(spark, tz):
        assert apply(spark, spec, "ts", raw) == want


def test_city_state_removes_street_and_zip(spark, spec):
    raw = [
        "1200 W Burnside St, Portland, OR 97209",
        "601 Massachusetts Ave NW, Washington, DC",
        "Portland, OR",
        "Suite 200, 55 Main St, Austin, tx 78701-1234",
        "9 Rue X, St. Louis, MO, USA",
        "Portland, OR\u2028",  # a final line terminator \s does not match
        "   ",  # blank: not validated, so it reaches the treatment
        None,
    ]
    want = ["Portland, OR", "Washington, DC", "Portland, OR", "Austin, TX", "St. Louis, MO"]
    want += ["Portland, OR", ", ", None]
    assert apply(spark, spec, "addr", raw) == want


def test_direct_is_hmac_sha256_of_utf8_value(spark, spec):
    raw = ["alex.nguyen@example.com", "josé.müller@exämple.de", None]
    got = apply(spark, spec, "email", raw)
    assert got[:2] == [py_hmac.new(KEY, v.encode(), hashlib.sha256).hexdigest() for v in raw[:2]]
    assert got[2] is None
    assert got[0] != hashlib.sha256(raw[0].encode()).hexdigest()


def test_tokens_plain_mac_and_email_shapes(spark, spec):
    digest = py_hmac.new(TOKEN_KEY, b"op:OP-10042", hashlib.sha256).hexdigest()
    assert apply(spark, spec, "op", ["OP-10042", "OP-10042", "OP-10043", None]) == [
        "op_" + digest[:20],
        "op_" + digest[:20],
        "op_" + py_hmac.new(TOKEN_KEY, b"op:OP-10043", hashlib.sha256).hexdigest()[:20],
        None,
    ]
    (mac,) = apply(spark, spec, "mac", ["aa:bb:cc:dd:ee:ff"])
    assert re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", mac)
    first = int(mac[:2], 16)
    assert first & 0x02 and not first & 0x01  # locally administered, unicast
    (em,) = apply(spark, spec, "mail_tok", ["x@y.com"])
    assert re.fullmatch(r"em_[0-9a-f]{20}@masked\.invalid", em)


def test_token_namespace_separates_columns(spark):
    rubric = parse_rubric(RUBRIC.replace("{prefix: op}", "{prefix: op, namespace: site}"))
    (a,) = apply(spark, rubric, "op", ["X1"])
    (b,) = apply(spark, parse_rubric(RUBRIC), "op", ["X1"])
    assert a != b


def test_redact_patterns_and_row_identifiers(spark, spec):
    notes = [
        "Alex Nguyen (ALEX.NGUYEN@EXAMPLE.COM) called 503-555-0142 from 10.0.0.12",
        "ask alex about tool DW8675309001 at 45.5212, -122.6813, mac AA:BB:CC:DD:EE:FF",
        "Nguyen's phone +1 (503) 555 0142 or +4915123456789; ipv6 fe80::1ff:fe23:4567:890a",
        "Torque fault E014_OVERTORQUE on DCD800 firmware 2.5.1 at 14:32:11",
        None,
    ]
    extra = {"name": ["Alex Nguyen"] * 5, "email": ["alex.nguyen@example.com"] * 5, "op": ["OP-10042"] * 5}
    got = apply(spark, spec, "notes", notes, extra)
    assert got[0] == "[PERSON] ([EMAIL]) called [PHONE] from [IP]"
    assert got[1] == "ask [PERSON] about tool [SERIAL] at [COORDINATES], mac [MAC]"
    assert got[2] == "[PERSON]'s phone [PHONE] or [PHONE]; ipv6 [IP]"
    assert got[3] == notes[3]  # ordinary words, models, error codes and times survive
    assert got[4] is None


def test_redact_quotes_regex_metacharacters_in_identifiers(spark, spec):
    extra = {"name": ["J. (Bob) O'Neil+"], "email": ["a+b@x.io"], "op": ["OP.1*"]}
    got = apply(spark, spec, "notes", ["met J. (Bob) O'Neil+ re OP.1* and OPX1"], extra)
    # the engine replaces the row's own values first, as [ID]; OPX1 is not OP.1* read as a regex
    assert got == ["met [ID] re [ID] and OPX1"]


def test_keep_is_byte_for_byte(spark, spec):
    raw = ["42.30", " 7 ", "", "ü", None]
    assert apply(spark, spec, "torque", raw) == raw
