"""The SparkSession the job, verify.py and the tools share (reused if one is running).

A session this module launches gets the kit's JVM jars (``local_jars``): the piimask-spark
library built from ``jvm/`` and, when fetched, the S3A connector and Iceberg's runtime. Glue and
spark-submit bring their own (``--extra-jars``, ``--jars``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pyspark.sql import SparkSession

__all__ = [
    "EXTRA_JAVA_OPTIONS_ENV",
    "JAR_CACHE_ENV",
    "LOCAL_CATALOG",
    "WAREHOUSE_ENV",
    "iceberg_conf",
    "JIT_FLAG",
    "JVM_OPTIONS",
    "get_spark",
    "huge_method_session",
    "java_options",
    "local_jars",
]

JIT_FLAG = "-XX:-DontCompileHugeMethods"  # generated methods above 8000 bytes still compile
JVM_OPTIONS = f"{JIT_FLAG} -XX:GCTimeRatio=4"  # for a JVM this module starts
# appended to JVM_OPTIONS for a JVM this module starts; unset by default (see java_options)
EXTRA_JAVA_OPTIONS_ENV = "PIIMASK_EXTRA_JAVA_OPTIONS"
WAREHOUSE_ENV = "PIIMASK_WAREHOUSE"  # a folder: the local Iceberg catalog's warehouse
LOCAL_CATALOG = "lake"
JAR_CACHE_ENV = "PIIMASK_JAR_CACHE"  # where jvm/build.sh and tools/fetch_jars.sh put the jars
# jar file name prefixes a local session puts on spark.jars, when present in the cache
JAR_PREFIXES = (
    "piimask-spark-",
    "hadoop-aws-",
    "aws-java-sdk-bundle-",
    "iceberg-spark-runtime-3.5_2.12-",
    "iceberg-aws-bundle-",
)


def local_jars() -> list[str]:
    """The jars a local session loads: ``PIIMASK_JARS`` (comma-separated paths) if set, else the
    newest of each kind in the jar cache (``PIIMASK_JAR_CACHE``, default ~/.cache/piimask/jars)."""
    explicit = os.environ.get("PIIMASK_JARS")
    if explicit is not None:
        return [j for j in explicit.split(",") if j]
    cache = Path(os.environ.get(JAR_CACHE_ENV) or Path.home() / ".cache" / "piimask" / "jars")
    if not cache.is_dir():
        return []
    found = []
    for prefix in JAR_PREFIXES:
        candidates = sorted(p for p in cache.glob(f"{prefix}*.jar") if p.is_file() and p.stat().st_size > 0)
        if candidates:
            found.append(str(candidates[-1]))
    return found


def java_options() -> str:
    """The driver JVM's options for a session this module launches: ``JVM_OPTIONS`` and then
    ``PIIMASK_EXTRA_JAVA_OPTIONS`` if set. The extra options are for short runs such as the test
    suite's, whose JVMs spend much of their CPU in the C2 JIT compiler: there
    ``-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m`` (C1 only) costs less, while a long
    run is slower with C1's code (benchmarks/HISTORY.md). Unset, the JVM gets ``JVM_OPTIONS``."""
    extra = os.environ.get(EXTRA_JAVA_OPTIONS_ENV, "").strip()
    return f"{JVM_OPTIONS} {extra}" if extra else JVM_OPTIONS


def iceberg_conf(jars: list[str]) -> dict[str, str]:
    """Iceberg for a session the kit launches, when the runtime jar is among ``jars``: the SQL
    extensions (branches, procedures), and with ``PIIMASK_WAREHOUSE`` set, a file-based catalog
    ``lake`` there. On Glue the job's ``--conf`` configures the same catalog name as the Glue Data
    Catalog, so table names (``lake.database.table``) are the same in both places."""
    if not any(Path(j).name.startswith("iceberg-spark-runtime") for j in jars):
        return {}
    conf = {"spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"}
    warehouse = os.environ.get(WAREHOUSE_ENV)
    if warehouse:
        conf.update(
            {
                f"spark.sql.catalog.{LOCAL_CATALOG}": "org.apache.iceberg.spark.SparkCatalog",
                f"spark.sql.catalog.{LOCAL_CATALOG}.type": "hadoop",
                f"spark.sql.catalog.{LOCAL_CATALOG}.warehouse": warehouse,
                # another process (verify, the next run) commits too: never read a cached snapshot
                f"spark.sql.catalog.{LOCAL_CATALOG}.cache-enabled": "false",
            }
        )
    return conf


def get_spark(
    app: str = "piimask",
    master: str | None = None,
    shuffle_partitions: int | None = None,
    driver_memory: str = "2g",
) -> SparkSession:
    """The active session if there is one (Glue, spark-submit, tests), else a local one.

    ``driver_memory`` is the local JVM's heap (``PIIMASK_DRIVER_MEMORY`` overrides it). The job
    streams its rows, so its heap need does not grow with the input, and a larger heap only
    made the JVM keep more resident memory. verify.py asks for 4g: it broadcasts and keeps
    tables of distinct raw values, which grow with the input."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    launched = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit or Glue already chose a master
    if master or not launched:
        builder = builder.master(master or os.environ.get("PIIMASK_MASTER", "local[2]"))
        builder = builder.config("spark.ui.enabled", "false")
        builder = builder.config("spark.driver.host", os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"))
        # The masking projection compiles to methods above HotSpot's 8000-byte limit; without this
        # flag the JVM interprets them forever, several times slower. We start the JVM
        # here, so the flag can still be set; Glue and spark-submit configure their own JVMs.
        # -XX:GCTimeRatio=4: G1 may spend up to a fifth of its time collecting before it grows
        # the heap (its default, 12, is a thirteenth). The job's live heap does not grow with
        # the input, but its allocation rate kept G1 near that threshold, so the committed heap,
        # and with it peak RSS, grew with the length of the run (see benchmarks/HISTORY.md).
        builder = builder.config("spark.driver.extraJavaOptions", java_options())
        # local mode runs the executors inside the driver JVM: Spark's 1g default is too small for
        # verify.py at a million rows (it ran out of heap). Glue sizes its own workers.
        memory = os.environ.get("PIIMASK_DRIVER_MEMORY", driver_memory)
        builder = builder.config("spark.driver.memory", memory)
        # two cores locally: few shuffle partitions. Glue and spark-submit keep their own
        # setting (adaptive execution sizes shuffles by the data and the workers there).
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions or 8))
        jars = local_jars()
        if jars:
            builder = builder.config("spark.jars", ",".join(jars))
        for key, value in iceberg_conf(jars).items():
            builder = builder.config(key, value)
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session


def huge_method_session(app: str) -> SparkSession:
    """``get_spark(app)`` for code whose rows fuse into one generated method larger than HotSpot's
    8000-byte JIT limit (the generator's 21 expressions, the redaction report), which would then
    run interpreted, far slower. When we launch the JVM we lift that limit; in a
    session someone else started, we let Spark fall back from whole-stage codegen for such
    methods (spark.sql.codegen.hugeMethodLimit)."""
    launching = SparkSession.getActiveSession() is None and "PYSPARK_GATEWAY_PORT" not in os.environ
    if launching:
        os.environ.setdefault("PYSPARK_SUBMIT_ARGS", f"--driver-java-options {JIT_FLAG} pyspark-shell")
    spark = get_spark(app)
    if not (launching and JIT_FLAG in os.environ["PYSPARK_SUBMIT_ARGS"]):
        spark.conf.set("spark.sql.codegen.hugeMethodLimit", "8000")
    return spark
