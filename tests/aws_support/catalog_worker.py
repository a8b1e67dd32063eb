"""Several kit commands run one after another in one catalog process (aws_support.glue_catalog's
process: the same settings, credentials and entry functions), instead of a fresh process each.

Why: a fresh process per command made tests/aws/test_glue_catalog_iam.py the slowest module of
the suite; most of each command's cost was the JVM's start (Spark's, Iceberg's and the AWS SDKs'
classes loaded and compiled again), not the command. The module still runs its first job, first
verify, first erase and its killed job each in a fresh process of its own (``run_in_catalog_process``),
so every entry path keeps being tested from a cold JVM; the worker carries the follow-up commands.

Each command enters exactly where a fresh process would (the Glue entry's ``main`` with the job's
arguments, ``pii-mask``'s ``main``). Between commands the worker puts the root logger back as it
was before the first (each command's ``logging.basicConfig`` configures it again, as in a fresh
process). Python's output during a command goes to that command's own files; the JVM, a child
process with descriptors of its own, writes to the worker's log, and what it wrote during a
command is added to that command's stderr, so a test's scan of a command's output still covers
the JVM's lines. The kit's commands share nothing else in a process: the template's catalog has
``cache-enabled=false`` and the kit keeps no module-level cache of tables, keys or clients.
"""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import traceback
from pathlib import Path

from .server import Creds
from .tls import Tls

__all__ = ["CatalogWorker", "serve"]


class CatalogWorker:
    """The test's side: start the process, send it commands, stop it."""

    def __init__(self, creds: Creds, tls: Tls, settings: dict[str, str], folder: Path):
        from .glue_catalog import process

        args, env = process(creds, tls, settings, "serve", [], None)
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.count = folder, 0
        self.log = folder / "worker.log"  # the process's output between commands
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True
            )

    def run(self, command: str, argv: list[str], timeout: float = 900) -> subprocess.CompletedProcess:
        """``command`` ("job" or "cli", as ``run_in_catalog_process``) and its outcome."""
        self.count += 1
        start = self.log.stat().st_size
        out, err = self.folder / f"{self.count}.out", self.folder / f"{self.count}.err"
        request = {"command": command, "argv": argv, "stdout": str(out), "stderr": str(err)}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.proc.kill()
            stopped = f"the catalog worker stopped or hung on {command} {argv[:1]}"
            raise AssertionError(f"{stopped}:\n{self._tail()}")
        code = json.loads(line)["returncode"]
        stdout, stderr = (p.read_text(encoding="utf-8", errors="replace") for p in (out, err))
        with open(self.log, "rb") as log:
            log.seek(start)
            stderr += log.read().decode("utf-8", errors="replace")  # the JVM's lines meanwhile
        return subprocess.CompletedProcess([command, *argv], code, stdout, stderr)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=60)
        self.proc.stdout.close()
        assert self.proc.returncode == 0, f"the catalog worker exited {self.proc.returncode}:\n{self._tail()}"

    def _tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def _exit_code(command_main, request: dict) -> int:
    try:
        return command_main(request["command"], request["argv"])
    except SystemExit as stop:  # argparse's usage errors: a fresh process exits with this code
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - a fresh process would die with this traceback, exit 1
        traceback.print_exc()
        return 1


def _captured(command_main, request: dict) -> int:
    """The request's command's exit code, with descriptors 1 and 2 on the request's files meanwhile."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(request["stdout"], "wb") as out, open(request["stderr"], "wb") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        try:
            return _exit_code(command_main, request)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            root.handlers[:] = handlers
            root.setLevel(level)


def serve(start, command_main) -> int:
    """The worker's side: ``start()`` the session, run each request line of stdin with
    ``command_main(command, argv)``, answer each with a line holding its exit code on the
    original stdout."""
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray output goes to the worker's log, not the replies: the JVM's included,
    start()  # which inherits descriptors 1 and 2 as they are now, so start it only after
    for line in sys.stdin:
        code = _captured(command_main, json.loads(line))
        replies.write(json.dumps({"returncode": code}) + "\n")
        replies.flush()
    return 0
