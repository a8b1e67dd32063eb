"""Shared AWS test infrastructure: moto's server over real HTTPS with IAM enforced.

* ``server``: ``MotoIam`` (TLS with a self-signed certificate, an admin created during moto's
  no-auth window, then ``/moto-api/reset-auth 0``; a request recorder) and ``Creds``.
* ``shims``: the small in-process patches of moto 5.2.6 bugs the tests depend on, each naming
  the bug.
* ``cfn``: ``deploy/template.yaml`` with its intrinsics resolved for the test's resources; the
  stack's pieces made with the calls CloudFormation would make; the job's principal carrying
  exactly the Glue job role's policy.
* ``spark_conf``: the S3A settings that point the running SparkSession at the server as one
  principal, and the JVM truststore for moto's certificate.
* ``tls``: that certificate and truststore.
* ``job_process``: the job in a process of its own on S3A as one principal, so a test can kill it.
* ``glue_catalog``: a kit command in a process of its own with the template's Glue catalog
  settings; ``catalog_worker``: several such commands one after another in one such process.

tests/aws/conftest.py turns these into module-scoped fixtures (moto's state and its enforcement
switch are global to the process, so each module that enforces IAM turns it off again).
"""
