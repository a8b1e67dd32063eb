"""Point a running SparkSession's S3A connector at the moto server, as one principal.

Glue 5.1 serves ``s3://`` with S3A (hadoop-aws 3.3.4, AWS SDK for Java v1); locally the scheme is
mapped to the same class. The settings go on the session's Hadoop configuration, which the driver
and (in local mode) the tasks both read; S3A caches one FileSystem per bucket, so ``point_s3a``
must come before the first ``s3://`` access of a bucket and ``release_s3a`` closes them after.
"""

from __future__ import annotations

from .server import REGION, Creds
from .tls import PASSWORD, Tls

__all__ = ["point_s3a", "release_s3a", "s3a_settings"]


def s3a_settings(creds: Creds) -> dict[str, str]:
    return {
        "fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "fs.s3a.endpoint": creds.endpoint,
        "fs.s3a.endpoint.region": REGION,
        "fs.s3a.path.style.access": "true",
        "fs.s3a.connection.ssl.enabled": "true",
        "fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "fs.s3a.access.key": creds.access_key,
        "fs.s3a.secret.key": creds.secret_key,
        "fs.s3a.bucket.probe": "0",  # Glue's default too: no bucket call at start
        "fs.s3a.attempts.maximum": "1",  # a 403 fails at once instead of after retries
        "fs.s3a.retry.limit": "1",
        "fs.s3a.connection.establish.timeout": "5000",
        "fs.s3a.connection.timeout": "20000",
    }


def point_s3a(spark, creds: Creds, tls: Tls) -> None:
    jvm = spark.sparkContext._jvm
    # The SDK builds a fresh SSLContext per client, whose default trust manager reads these
    # properties then: set before the first S3A connection, they make the JVM trust moto's cert.
    for name, value in (
        ("javax.net.ssl.trustStore", tls.truststore),
        ("javax.net.ssl.trustStorePassword", PASSWORD),
        ("javax.net.ssl.trustStoreType", "PKCS12"),
    ):
        jvm.java.lang.System.setProperty(name, value)
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    for name, value in s3a_settings(creds).items():
        conf.set(name, value)


def release_s3a(spark) -> None:
    """Close every cached Hadoop FileSystem (the next S3A access starts with the new settings)."""
    spark.sparkContext._jvm.org.apache.hadoop.fs.FileSystem.closeAll()
