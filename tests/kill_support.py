"""Killing a job subprocess at a test seam (``PIIMASK_TEST_PAUSE_AT``): wait for the seam's
marker file, let the test look, SIGKILL the process, and check it died of the signal."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def killed_at_seam(proc: subprocess.Popen, marker: Path):
    """Wait (not for a time: the subprocess starts its own Spark) until ``proc`` reaches the seam,
    yield while it sleeps there, then SIGKILL it. ``proc`` merges its output into ``stdout``."""
    try:
        for _ in range(1800):
            if marker.exists() or proc.poll() is not None:
                break
            time.sleep(0.5)
        if not marker.exists():  # the run ended (or hung) before the seam: show its output
            proc.kill()
            raise AssertionError(proc.communicate()[0].decode(errors="replace")[-4000:])
        yield
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
