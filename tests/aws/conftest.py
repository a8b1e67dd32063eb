"""AWS tests: moto's server over real HTTP(S), botocore's Stubber, cfn-lint (marker ``aws``).

``iam_stack`` (one per module that asks for it): a moto server over HTTPS with IAM enforced, the
template's data key, buckets and keyring secret, and the job's principal carrying exactly the
Glue job role's policy (tests/aws_support). ``s3a`` points the shared SparkSession's S3A connector
at that server as the job's principal, and boto3 (the keyring's Secrets Manager client) too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))


@pytest.fixture(autouse=True)
def _root_logging_restored():
    """`pii-mask` commands called in-process run logging.basicConfig, which binds a handler to
    the test's captured stderr; later tests would log into that closed stream (and Python then
    prints the record, request paths included, into their captured stderr). Undo it."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(scope="session")
def moto_tls(tmp_path_factory):
    """One certificate for every moto server of the session: the shared SparkSession's JVM reads
    its truststore once, at its first TLS connection, so a second module's server with a
    certificate of its own failed S3A's handshake (SSLHandshakeException)."""
    from aws_support.tls import make_tls

    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def iam_stack(moto_tls):
    from aws_support.cfn import make_stack
    from aws_support.server import MotoIam
    from aws_support.shims import patch_moto

    patch_moto()
    server = MotoIam(moto_tls)
    server.start()
    try:
        yield server, make_stack(server)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def s3a(spark, iam_stack):
    """(server, stack) with Spark's S3A and boto3's default chain acting as the job's principal."""
    import boto3
    from aws_support.spark_conf import point_s3a, release_s3a

    done = subprocess.run([str(ROOT / "tools" / "fetch_jars.sh"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, "the S3A jars are missing: run tools/fetch_jars.sh\n" + done.stderr[-2000:]
    jars = spark.sparkContext.getConf().get("spark.jars", "")
    assert "hadoop-aws-" in jars and "aws-java-sdk-bundle-" in jars, "the session started without S3A"
    server, stack = iam_stack
    release_s3a(spark)
    point_s3a(spark, stack.job, server.tls)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in stack.job.environment().items():
            mp.setenv(name, value)
        mp.delenv("AWS_PROFILE", raising=False)
        mp.delenv("AWS_SESSION_TOKEN", raising=False)
        # boto3's default session keeps the credentials it first resolved (another module's);
        # the job on Glue starts a fresh process, so start a fresh default session here too
        mp.setattr(boto3, "DEFAULT_SESSION", None)
        yield server, stack
    release_s3a(spark)
