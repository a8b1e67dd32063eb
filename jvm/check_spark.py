"""Checks the built jar through Spark: RFC 4231 vectors and the kit's native expression.

    python jvm/check_spark.py [JAR]      (JAR defaults to the output of jvm/build.sh)

Starts a local[2] session with ``spark.jars`` set, registers the Java UDFs with
``registerJavaFunction``, builds the Catalyst expression through py4j and as a SQL function, and
compares all of them, with the key blocks brought in by a broadcast join as the kit does, with
Python's ``hmac`` and with ``piimask.hmac.hmac_sha256_hex``. Exits non-zero on a mismatch.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from piimask.hmac import hmac_sha256_hex, pad_key  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql.column import Column  # noqa: E402
from pyspark.sql.types import StringType  # noqa: E402

# RFC 4231 section 4: (key, data, expected MAC hex; case 5 is truncated to 128 bits)
RFC4231 = [
    (b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (
        b"Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ),
    (b"\xaa" * 20, b"\xdd" * 50, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (bytes(range(1, 26)), b"\xcd" * 50, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    (b"\x0c" * 20, b"Test With Truncation", "a3b6167473100ee06e0c796c2955552b"),
    (
        b"\xaa" * 131,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ),
    (
        b"\xaa" * 131,
        b"This is a test using a larger than block-size key and a larger than block-size data. "
        b"The key needs to be hashed before being used by the HMAC algorithm.",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ),
]


def session(jar: str) -> SparkSession:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master("local[2]")
        .appName("piimask-jvm-check")
        .config("spark.jars", jar)  # driver and executors; must be set before the JVM starts
        .config("spark.sql.extensions", "io.piimask.spark.PiiMaskExtensions")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"))
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )


def main() -> int:
    if len(sys.argv) > 1:
        jar = sys.argv[1]
    else:
        jar = subprocess.run(
            [str(Path(__file__).with_name("build.sh"))], check=True, capture_output=True, text=True
        ).stdout.strip()
    spark = session(jar)
    spark.sparkContext.setLogLevel("WARN")
    spark.udf.registerJavaFunction("piimask_hmac_udf", "io.piimask.spark.HmacSha256Hex", StringType())
    spark.udf.registerJavaFunction("piimask_hmac_udf_n", "io.piimask.spark.HmacSha256HexN", StringType())
    fns = spark._jvm.io.piimask.spark.PiiFunctions

    def expr(v: Column, i: Column, o: Column, n: int = 64) -> Column:
        return Column(fns.hmacSha256Hex(v._jc, i._jc, o._jc, n))

    # one key window per vector, joined in by a broadcast join as the kit's keys table is
    keys, rows = [], []
    for w, (key, data, _) in enumerate(RFC4231):
        p = pad_key(key)
        keys.append((f"w{w}", bytearray(p.ipad), bytearray(p.opad)))
        rows.append((f"w{w}", bytearray(data)))
    # extra rows: nulls, non-UTF-8 bytes, empty, unicode, the kit's token input shape
    extra = [None, b"", b"\xff\xfe not utf-8 \xc3", "ns:caf\u00e9 \u6771\u4eac".encode(), b"x" * 1000]
    for j, data in enumerate(extra):
        rows.append((f"w{j % len(RFC4231)}", None if data is None else bytearray(data)))
    rows.append(("w-none", bytearray(b"no key window")))  # left join: null keys -> null digest

    kdf = spark.createDataFrame(keys, "_window string, ipad binary, opad binary")
    df = spark.createDataFrame(rows, "_window string, data binary").repartition(3)
    j = df.join(F.broadcast(kdf), "_window", "left")
    v, i, o = F.col("data"), F.col("ipad"), F.col("opad")
    out = j.select(
        "_window",
        "data",
        hmac_sha256_hex(v, i, o, binary=True).alias("native"),
        F.call_udf("piimask_hmac_udf", v, i, o).alias("udf"),
        F.call_udf("piimask_hmac_udf_n", v, i, o, F.lit(20)).alias("udf20"),
        expr(v, i, o).alias("expr"),
        expr(v.cast("string"), i, o).alias("expr_str"),  # string input: its bytes read in place
        expr(v, i, o, 20).alias("expr20"),
        F.expr("piimask_hmac_sha256_hex(data, ipad, opad)").alias("sql"),  # from the extension
        F.expr("piimask_hmac_sha256_hex(data, ipad, opad, 20)").alias("sql20"),
    ).collect()

    keymap = {f"w{w}": key for w, (key, _, _) in enumerate(RFC4231)}
    bad = 0
    for r in out:
        data = None if r["data"] is None else bytes(r["data"])
        key = keymap.get(r["_window"])
        want = None if data is None or key is None else hmac.new(key, data, hashlib.sha256).hexdigest()
        got = {k: r[k] for k in ("native", "udf", "expr", "expr_str", "sql")}
        got20 = {k: r[k] for k in ("udf20", "expr20", "sql20")}
        ok = all(g == want for g in got.values()) and all(
            g == (None if want is None else want[:20]) for g in got20.values()
        )
        if data is not None and key is not None:
            vec = [t for t in RFC4231 if t[0] == key and t[1] == data]
            if vec:
                ok = ok and want.startswith(vec[0][2])
        if not ok:
            bad += 1
            print("MISMATCH", r["_window"], data, want, got, got20)
    # interpreted path (no whole-stage codegen) of the expression gives the same
    spark.conf.set("spark.sql.codegen.wholeStage", "false")
    spark.conf.set("spark.sql.codegen.factoryMode", "NO_CODEGEN")
    interp = j.select(expr(v, i, o).alias("e"), hmac_sha256_hex(v, i, o, binary=True).alias("n")).collect()
    bad += sum(1 for r in interp if r["e"] != r["n"])
    # whole-stage codegen really calls the expression's generated code (no silent fallback)
    spark.conf.set("spark.sql.codegen.wholeStage", "true")
    spark.conf.set("spark.sql.codegen.factoryMode", "CODEGEN_ONLY")
    spark.conf.set("spark.sql.codegen.fallback", "false")
    q = j.select(expr(v, i, o).alias("e"))
    q.collect()
    code = spark._jvm.org.apache.spark.sql.execution.debug.package.codegenString(
        q._jdf.queryExecution().executedPlan()
    )
    if "io.piimask.spark.SparkHmac" not in code:
        bad += 1
        print("generated code does not call SparkHmac")
    print(f"{len(out)} rows x 8 variants, {len(interp)} interpreted: {bad} mismatches")
    spark.stop()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
