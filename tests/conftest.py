"""Shared by every test folder: the environment, one session-scoped local[2] SparkSession, the
default rubric, and the markers.

Tests live by what they need: ``unit/`` (no Spark), ``spark/`` (the shared session, small frames),
``e2e/`` (whole runs of the job, verify and the lifecycle commands), ``aws/`` (moto servers over
real HTTP). Each test is marked by its folder; a test elsewhere that uses a moto fixture is also
marked ``aws``, and a Spark test that runs a whole tool (the generator writing a dataset) carries
``e2e`` itself. ``make test-fast`` runs ``-m "(unit or spark) and not (aws or e2e)"``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
sys.path.insert(0, str(TESTS))  # the support modules (aws_fixtures, run_support, ...) sit here

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
# The JVMs the tests start as subprocesses through piimask.session (the job, verify and the
# lifecycle commands, the Glue-catalog processes), which inherit this environment, run with the
# C2 JIT compiler off: a cold JVM that masks a few dozen rows spent much of its CPU compiling
# with C2. The shared session below keeps C2: it lives for the whole suite, so C2's compiling is
# paid once, and C1's slower code cost verify's e2e module more than it saved (benchmarks/
# HISTORY.md, "sixth session"). C1 alone fills the default 48 MiB code cache, after which the
# JIT stops: hence the larger one. Compiler flags change how fast the code runs, not what it
# does. Set PIIMASK_EXTRA_JAVA_OPTIONS (even empty) to run the subprocesses with other flags.
TEST_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m"
os.environ.setdefault("PIIMASK_EXTRA_JAVA_OPTIONS", TEST_JVM_OPTIONS)
SESSION_JVM_OPTIONS_ENV = "PIIMASK_TEST_SESSION_JAVA_OPTIONS"  # the shared session's extra options

FOLDER_MARKERS = ("unit", "spark", "e2e", "aws")
MOTO_FIXTURES = {"aws", "moto_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        folder = Path(str(item.fspath)).relative_to(TESTS).parts[0]
        if folder in FOLDER_MARKERS:
            item.add_marker(getattr(pytest.mark, folder))
        if MOTO_FIXTURES & set(getattr(item, "fixturenames", ())) and folder != "aws":
            item.add_marker(pytest.mark.aws)


@pytest.fixture(scope="session")
def piimask_jar() -> str:
    """The piimask-spark jar, built by jvm/build.sh when its sources changed (else the cached one).
    The job cannot run without it, so a build failure fails the tests that need Spark."""
    import subprocess

    done = subprocess.run([str(ROOT / "jvm" / "build.sh")], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, "jvm/build.sh failed (it needs Maven and a JDK):\n" + done.stderr[-3000:]
    jar = done.stdout.strip().splitlines()[-1]
    assert Path(jar).is_file(), jar
    return jar


@pytest.fixture(scope="session")
def spark(piimask_jar, tmp_path_factory):
    from piimask.session import EXTRA_JAVA_OPTIONS_ENV, WAREHOUSE_ENV, get_spark, local_jars

    assert piimask_jar in local_jars(), "the session would not load the freshly built jar"
    # the local Iceberg catalog `lake` (tests/e2e/test_tables.py), set before the session starts
    os.environ[WAREHOUSE_ENV] = str(tmp_path_factory.mktemp("warehouse"))
    with pytest.MonkeyPatch.context() as env:
        # the shared session's JVM gets only PIIMASK_TEST_SESSION_JAVA_OPTIONS (default none)
        env.setenv(EXTRA_JAVA_OPTIONS_ENV, os.environ.get(SESSION_JVM_OPTIONS_ENV, ""))
        session = get_spark("piimask-tests", master="local[2]", shuffle_partitions=2)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def rubric():
    from piimask.rubric import load_rubric

    return load_rubric(ROOT / "rubric.yaml")
