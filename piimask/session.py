"""The SparkSession the job, verify.py and the tools share (reused if one is running)."""

from __future__ import annotations

import os
import sys

from pyspark.sql import SparkSession

__all__ = ["get_spark"]


def get_spark(
    app: str = "piimask", master: str | None = None, shuffle_partitions: int | None = None
) -> SparkSession:
    """The active session if there is one (Glue, spark-submit, tests), else a local one."""
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
        # flag the JVM interprets them forever (measured: several times slower). We start the JVM
        # here, so the flag can still be set; Glue and spark-submit configure their own JVMs.
        builder = builder.config("spark.driver.extraJavaOptions", "-XX:-DontCompileHugeMethods")
        # local mode runs the executors inside the driver JVM: Spark's 1g default is too small for
        # verify.py at a million rows (measured: out of heap). Glue sizes its own workers.
        builder = builder.config("spark.driver.memory", os.environ.get("PIIMASK_DRIVER_MEMORY", "4g"))
    builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions or 8))
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session
