"""Native RFC 2104 expression vs the piimask-spark jar (Java UDF, Catalyst expression).

    python jvm/bench_hmac.py --jar "$(jvm/build.sh)" --work /tmp/jvm-proto/work [--rows 2000000] [--reps 3]

One local[2] session (the kit's JVM options, 2g) for every measurement; the input is generated
once (Parquet, 500k-row files as the kit's generator writes). Each round runs every variant once,
in a rotated order, for each sink (noop, parquet); medians over the rounds are reported, with
wall seconds and the JVM's CPU seconds (user+sys of the process, from /proc) since the machine
may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the repo (the kit's own treatments)
sys.path.insert(0, str(ROOT))

from piimask.hmac import hmac_sha256_hex, pad_key  # noqa: E402
from pyspark.sql import DataFrame, SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql.column import Column  # noqa: E402
from pyspark.sql.types import StringType  # noqa: E402

from piimask.session import JVM_OPTIONS  # noqa: E402
from piimask.treatments import TOKEN_HEX_CHARS, token  # noqa: E402

HMAC_COLS = ["user_id", "device_id", "email", "phone", "ip"]
TOKEN_COLS = [("username", "usr", "user"), ("hostname", "host", "host"), ("mac", "mac", "mac")]
WINDOW = "_window"


def session(jar: str) -> SparkSession:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master("local[2]")
        .appName("piimask-jvm-bench")
        .config("spark.jars", jar)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.extraJavaOptions", JVM_OPTIONS)
        .config("spark.driver.memory", "2g")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )


def generate(spark: SparkSession, rows: int, path: str) -> None:
    h = lambda n: F.sha2(F.concat(F.lit(n), F.col("id").cast("string")), 256)  # noqa: E731
    uuid = lambda n: F.concat_ws(  # noqa: E731
        "-", *[F.substring(h(n), a, b) for a, b in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))]
    )
    first = F.element_at(
        F.array(*[F.lit(x) for x in ("ana", "bo", "chen", "dmitri", "eva", "farid", "grace", "hiro")]),
        (F.col("id") % 8 + 1).cast("int"),
    )
    df = spark.range(rows, numPartitions=max(1, rows // 500_000)).select(
        F.col("id").alias("row_id"),
        uuid("u").alias("user_id"),
        uuid("d").alias("device_id"),
        F.concat(
            first,
            F.lit("."),
            F.substring(h("e"), 1, 6),
            F.lit("@"),
            F.element_at(
                F.array(F.lit("example.com"), F.lit("mail.test"), F.lit("corp.example")),
                (F.col("id") % 3 + 1).cast("int"),
            ),
        ).alias("email"),
        F.concat(
            F.lit("+1-555-"),
            F.lpad((F.conv(F.substring(h("p"), 1, 6), 16, 10) % 10_000_000).cast("string"), 7, "0"),
        ).alias("phone"),
        F.concat_ws(".", *[F.conv(F.substring(h("i"), 2 * k + 1, 2), 16, 10) for k in range(4)]).alias("ip"),
        F.concat(first, F.substring(h("n"), 1, 5)).alias("username"),
        F.concat(F.lit("ws-"), F.substring(h("o"), 1, 8), F.lit(".corp.example")).alias("hostname"),
        F.concat_ws(":", *[F.substring(h("m"), 2 * k + 1, 2) for k in range(6)]).alias("mac"),
        # four key windows (months), rows interleaved at random
        (F.lit(1_767_225_600) + (F.conv(F.substring(h("t"), 1, 8), 16, 10).cast("long") % (120 * 86400)))
        .cast("timestamp")
        .alias("event_ts"),
        (F.col("id") % 997).cast("int").alias("duration_ms"),
        F.element_at(
            F.array(F.lit("build ok"), F.lit("test failed"), F.lit("lint warning")),
            (F.col("id") % 3 + 1).cast("int"),
        ).alias("status"),
    )
    df.write.mode("overwrite").parquet(path)


def keys(spark: SparkSession, windows: list[str]) -> DataFrame:
    tok = pad_key(b"token-key-" + b"x" * 22)
    rows = []
    for w in windows:
        d = pad_key(("direct-key-" + w).encode().ljust(32, b"k"))
        rows.append((w, bytearray(d.ipad), bytearray(d.opad), bytearray(tok.ipad), bytearray(tok.opad)))
    return spark.createDataFrame(
        rows, f"{WINDOW} string, _d_ipad binary, _d_opad binary, _t_ipad binary, _t_opad binary"
    )


def masked(spark: SparkSession, df: DataFrame, kdf: DataFrame, variant: str) -> DataFrame:
    keyed = df.withColumn(WINDOW, F.date_format("event_ts", "yyyy-MM")).join(
        F.broadcast(kdf), on=WINDOW, how="left"
    )
    di, do, ti, to = (F.col(c) for c in ("_d_ipad", "_d_opad", "_t_ipad", "_t_opad"))
    fns = spark._jvm.io.piimask.spark.PiiFunctions

    def expr(v: Column, i: Column, o: Column, n: int = 64) -> Column:
        return Column(fns.hmacSha256Hex(v._jc, i._jc, o._jc, n))

    out = []
    for name in df.columns:
        c = F.col(name)
        if name in HMAC_COLS:
            if variant == "native":
                e = hmac_sha256_hex(c.cast("string"), di, do)  # the kit's _hmac treatment
            elif variant == "udf":
                e = F.call_udf("piimask_hmac_udf", c.cast("string").cast("binary"), di, do)
            else:
                e = expr(c.cast("string"), di, do)
            out.append(e.alias(name))
            continue
        tok = next((t for t in TOKEN_COLS if t[0] == name), None)
        if tok:
            _, prefix, ns = tok
            if variant == "native":  # the kit's token treatment, plain format
                e = token(c, {"prefix": prefix, "namespace": ns, "format": "plain"}, ti, to)
            else:
                data = F.concat(F.lit(ns + ":"), c.cast("string"))
                if variant == "udf":
                    hexn = F.call_udf(
                        "piimask_hmac_udf_n", data.cast("binary"), ti, to, F.lit(TOKEN_HEX_CHARS)
                    )
                else:
                    hexn = expr(data, ti, to, TOKEN_HEX_CHARS)
                e = F.concat(F.lit(prefix + "_"), hexn)
            out.append(e.alias(name))
            continue
        out.append(c)
    return keyed.select(*out)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--jar", required=True)
    p.add_argument("--work", default="/tmp/jvm-proto/work")
    p.add_argument("--rows", type=int, default=2_000_000)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--variants", default="identity,native,udf,expr")
    p.add_argument("--sinks", default="noop,parquet")
    args = p.parse_args()

    spark = session(args.jar)
    spark.sparkContext.setLogLevel("WARN")
    spark.udf.registerJavaFunction("piimask_hmac_udf", "io.piimask.spark.HmacSha256Hex", StringType())
    spark.udf.registerJavaFunction("piimask_hmac_udf_n", "io.piimask.spark.HmacSha256HexN", StringType())
    pid = spark._jvm.java.lang.ProcessHandle.current().pid()
    work = Path(args.work)
    inp = work / f"input-{args.rows}"
    if not (inp / "_SUCCESS").exists():
        t = time.perf_counter()
        generate(spark, args.rows, str(inp))
        print(f"generated {args.rows} rows in {time.perf_counter() - t:.1f}s", flush=True)
    df = spark.read.parquet(str(inp))
    windows = sorted(r[0] for r in df.select(F.date_format("event_ts", "yyyy-MM")).distinct().collect())
    print(
        "windows:",
        windows,
        "input MiB:",
        round(sum(f.stat().st_size for f in inp.glob("*.parquet")) / 2**20, 1),
        flush=True,
    )
    kdf = keys(spark, windows)

    # the variants agree on a sample first
    sample = df.limit(2000)
    got = {v: masked(spark, sample, kdf, v).orderBy("row_id").collect() for v in ("native", "udf", "expr")}
    assert got["native"] == got["udf"] == got["expr"], "variants disagree"
    first = got["expr"][0]
    print("variants agree on 2000 rows; e.g.", first["email"], first["username"], flush=True)

    variants = args.variants.split(",")
    results: dict = {}
    for rep in range(args.reps):
        for sink in args.sinks.split(","):
            order = variants[rep % len(variants) :] + variants[: rep % len(variants)]
            for v in order:
                if v == "identity" and sink == "noop":
                    q = df
                else:
                    q = df if v == "identity" else masked(spark, df, kdf, v)
                out = work / f"out-{v}"
                shutil.rmtree(out, ignore_errors=True)
                load = os.getloadavg()[0]
                c0, t0 = cpu_seconds(pid), time.perf_counter()
                if sink == "noop":
                    q.write.format("noop").mode("overwrite").save()
                else:
                    q.write.mode("overwrite").parquet(str(out))
                wall, cpu = time.perf_counter() - t0, cpu_seconds(pid) - c0
                size = sum(f.stat().st_size for f in out.glob("*.parquet")) / 2**20
                results.setdefault(f"{v}/{sink}", []).append({"wall": wall, "cpu": cpu, "load": load})
                print(
                    json.dumps(
                        {
                            "rep": rep,
                            "variant": v,
                            "sink": sink,
                            "wall": round(wall, 2),
                            "cpu": round(cpu, 2),
                            "load1": round(load, 2),
                            "out_mib": round(size, 1),
                        }
                    ),
                    flush=True,
                )
    print("\nmedians")
    med = {}
    for k, runs in results.items():
        med[k] = (statistics.median(r["wall"] for r in runs), statistics.median(r["cpu"] for r in runs))
        print(
            f"{k:22s} wall {med[k][0]:7.2f}  cpu {med[k][1]:7.2f}  n={len(runs)}  "
            f"walls={[round(r['wall'], 1) for r in runs]}"
        )
    for sink in args.sinks.split(","):
        n = med.get(f"native/{sink}")
        for v in ("udf", "expr"):
            x = med.get(f"{v}/{sink}")
            if n and x:
                print(f"{sink}: {v}/native wall {x[0] / n[0]:.3f} cpu {x[1] / n[1]:.3f}")
        ident = med.get(f"identity/{sink}")  # noop: the scan alone; parquet: the copy
        if ident:
            for v in ("native", "udf", "expr"):
                x = med.get(f"{v}/{sink}")
                if x:
                    w, c = x[0] / ident[0], x[1] / ident[1]
                    print(f"{sink}: {v}/identity({sink}) wall {w:.3f} cpu {c:.3f}")
    Path(work / "results.json").write_text(json.dumps(results, indent=1))
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
