"""One session-scoped local[2] SparkSession for the whole suite (UI off, few partitions)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable


@pytest.fixture(scope="session")
def spark():
    from piimask.session import get_spark

    session = get_spark("piimask-tests", master="local[2]", shuffle_partitions=2)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def rubric():
    from piimask.rubric import load_rubric

    return load_rubric(ROOT / "rubric.yaml")
