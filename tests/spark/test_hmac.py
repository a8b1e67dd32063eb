"""HMAC-SHA256 built natively from sha2/concat/unhex reproduces RFC 4231 and Python's hmac."""

import hashlib
import hmac as py_hmac

import pytest
from pyspark.sql import functions as F

from piimask.expr.hmac import hmac_sha256_hex, pad_key

# RFC 4231 section 4: (key hex, data hex, HMAC-SHA-256 hex, truncate to bits or None)
RFC4231 = [
    (
        "0b" * 20,
        "4869205468657265",
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        None,
    ),
    (
        "4a656665",
        "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        None,
    ),
    (
        "aa" * 20,
        "dd" * 50,
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        None,
    ),
    (
        "0102030405060708090a0b0c0d0e0f10111213141516171819",
        "cd" * 50,
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        None,
    ),
    (
        "0c" * 20,
        "546573742057697468205472756e636174696f6e",
        "a3b6167473100ee06e0c796c2955552b",
        128,
    ),
    (
        "aa" * 131,
        "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368"
        "204b6579204669727374",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        None,
    ),
    (
        "aa" * 131,
        "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a"
        "65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865"
        "206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062"
        "792074686520484d414320616c676f726974686d2e",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        None,
    ),
]


def _spark_hmac(spark, key: bytes, data: list, binary: bool, native: bool = False, n_hex: int = 64):
    k = pad_key(key)
    df = spark.createDataFrame([(d,) for d in data], "d string")
    value = F.unhex("d") if binary else F.col("d")
    digest = hmac_sha256_hex(value, F.lit(k.ipad), F.lit(k.opad), binary=binary, native=native, n_hex=n_hex)
    return [r.h for r in df.select(digest.alias("h")).collect()]


# the jar's Catalyst expression (what the kit uses when the jar is loaded) and the construction in
# Spark functions (without the jar) must give the same bytes
BOTH = pytest.mark.parametrize("native", [False, True], ids=["jar", "native"])


@BOTH
@pytest.mark.parametrize("key_hex,data_hex,expected,bits", RFC4231)
def test_rfc4231_vectors(spark, key_hex, data_hex, expected, bits, native):
    (got,) = _spark_hmac(spark, bytes.fromhex(key_hex), [data_hex], binary=True, native=native)
    if bits:
        got = got[: bits // 4]
    assert got == expected


@BOTH
def test_matches_python_hmac_on_unicode_and_edge_strings(spark, native):
    key = bytes(range(40))
    values = ["", "a", "José Müller", "операт@пример.рф", "x" * 200, "line\nbreak", "DW8675309001"]
    got = _spark_hmac(spark, key, values, binary=False, native=native)
    want = [py_hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in values]
    assert got == want
    assert _spark_hmac(spark, key, values, binary=False, native=native, n_hex=20) == [w[:20] for w in want]


def test_the_jar_expression_is_used_when_loaded(spark):
    k = pad_key(b"k" * 32)
    df = spark.createDataFrame([("a",)], "d string")
    plan = df.select(hmac_sha256_hex(F.col("d"), F.lit(k.ipad), F.lit(k.opad)).alias("h"))._jdf
    text = plan.queryExecution().optimizedPlan().toString()
    assert "piimask_hmac_sha256_hex(" in text and "sha2(" not in text


@BOTH
def test_string_bytes_that_are_not_utf8_are_hashed_as_they_are(spark, native):
    # a Parquet string column may hold such bytes; two different values must not share a digest
    key = bytes(range(32))
    raw = [b"\xff", b"\xfe", b"ok\xc3"]
    k = pad_key(key)
    df = spark.createDataFrame([(bytearray(r),) for r in raw], "b binary")
    got = [
        row.h
        for row in df.select(
            hmac_sha256_hex(F.col("b").cast("string"), F.lit(k.ipad), F.lit(k.opad), native=native).alias("h")
        ).collect()
    ]
    assert got == [py_hmac.new(key, r, hashlib.sha256).hexdigest() for r in raw]
    assert len(set(got)) == len(raw)


@BOTH
def test_null_value_gives_null_digest(spark, native):
    assert _spark_hmac(spark, b"k" * 32, [None], binary=False, native=native) == [None]


def test_padded_key_repr_hides_key():
    assert "aa" not in repr(pad_key(b"\xaa" * 32)).lower().replace("padded", "")
