"""TLS material for moto's server: a self-signed certificate for 127.0.0.1 and a JVM truststore.

Why TLS at all: the AWS SDK for Java v1 (S3A's) refuses to send SSE-KMS headers over plain HTTP,
and S3A's copy (every rename and commit) clones the source object's KMS headers, so a bucket with
KMS default encryption, like the template's, breaks every rename over http.

The truststore holds the JDK's own CA certificates plus ours, so a JVM started with it still
reaches Maven Central and anything else it trusted before.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Tls", "make_tls"]

PASSWORD = "changeit"


@dataclass(frozen=True)
class Tls:
    cert: str  # PEM, also the CA bundle boto3 verifies against (AWS_CA_BUNDLE)
    key: str
    truststore: str  # PKCS12: the JDK's CAs plus ``cert``

    def java_options(self) -> str:
        return (
            f"-Djavax.net.ssl.trustStore={self.truststore} "
            f"-Djavax.net.ssl.trustStorePassword={PASSWORD} -Djavax.net.ssl.trustStoreType=PKCS12"
        )


def _jdk_cacerts() -> Path | None:
    java = shutil.which("java")
    if not java:
        return None
    home = Path(os.environ.get("JAVA_HOME") or Path(os.path.realpath(java)).parents[1])
    found = home / "lib" / "security" / "cacerts"
    return found if found.is_file() else None


def make_tls(directory: Path) -> Tls:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path, store = directory / "cert.pem", directory / "key.pem", directory / "truststore.p12"
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    store.unlink(missing_ok=True)
    keytool = ["keytool", "-noprompt", "-storepass", PASSWORD]
    cacerts = _jdk_cacerts()
    if cacerts is not None:
        subprocess.run(
            [*keytool, "-importkeystore", "-srckeystore", str(cacerts), "-srcstorepass", PASSWORD,
             "-destkeystore", str(store), "-deststoretype", "PKCS12", "-deststorepass", PASSWORD],
            check=True,
            capture_output=True,
        )  # fmt: skip
    subprocess.run(
        [*keytool, "-importcert", "-alias", "moto-test", "-file", str(cert_path), "-keystore", str(store),
         "-storetype", "PKCS12"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return Tls(str(cert_path), str(key_path), str(store))
