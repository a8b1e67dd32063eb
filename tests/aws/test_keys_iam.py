"""Step 2 of docs/aws.md's walk-through (`pii-mask keys`) against moto's server with IAM enforced.

The deployer is a principal with exactly the Secrets Manager grant docs/aws.md lists for
`pii-mask keys` (the keyring secret and ``NAME/window/*``); the job's principal carries exactly
the Glue job role's policy from deploy/template.yaml. The keys are made, rotated, listed and one
window shredded by the deployer; the job role reads the result and may change none of it.
"""

from __future__ import annotations

import base64

import pytest
from aws_fixtures import secret_versions_holding
from aws_support.cfn import ACCOUNT, REGION
from aws_support.walkthrough import KEYS_ACTIONS, as_principal

from piimask.cli import main
from piimask.keys import keyring as kr


@pytest.fixture(scope="module")
def people(iam_stack):
    server, stack = iam_stack
    prefix = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{stack.keyring_secret}"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": KEYS_ACTIONS, "Resource": [f"{prefix}-*", f"{prefix}/window/*"]}
        ],
    }
    return server, stack, server.user("deployer", {"keys": policy})


def keys(capsys, *argv: str) -> tuple[int, str]:
    code = main(["keys", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_deployer_makes_rotates_and_shreds_and_the_job_role_only_reads(people, monkeypatch, capsys):
    server, stack, deployer = people
    ref = f"secretsmanager:{stack.keyring_secret}"
    as_principal(monkeypatch, deployer)
    before = len(server.recorder.requests)
    code, out_init = keys(capsys, "init", "--keyring", ref, "--back", "1", "--ahead", "1")
    assert code == 0, out_init  # replaces the stack's placeholder
    code, out_rotate = keys(capsys, "rotate", "--keyring", ref, "--ahead", "3")
    assert code == 0, out_rotate
    code, out_list = keys(capsys, "list", "--keyring", ref)
    assert code == 0 and not server.refused(before, deployer.access_key)
    ring = kr.load(ref)
    for key in [*ring.direct.values(), ring.token]:
        for text in (out_init, out_rotate, out_list):
            assert base64.b64encode(key).decode() not in text and key.hex() not in text
    window = ring.windows[0]
    code, out = keys(capsys, "shred", "--keyring", ref, "--window", window, "--yes")
    assert code == 0, out
    assert secret_versions_holding(server.admin.client("secretsmanager"), ring.direct[window]) == []

    as_principal(monkeypatch, stack.job)
    seen = kr.load(ref)  # the job role reads the keyring secret and every window secret
    assert seen.windows == tuple(w for w in ring.windows if w != window) and seen.token == ring.token
    start = len(server.recorder.requests)
    code, out = keys(capsys, "shred", "--keyring", ref, "--window", seen.windows[0], "--yes")
    assert code == 2 and "refused the request" in out  # the job role may not change the keyring
    assert server.refused(start, stack.job.access_key)
    as_principal(monkeypatch, deployer)
    assert kr.load(ref).windows == seen.windows  # nothing was changed by the refused shred
