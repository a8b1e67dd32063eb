"""The masking job run once on generated Parquet rows, for the tests of benchmark helpers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rubric_variants import tolerant_quarantine

from piimask.job import RunOptions, run
from piimask.keys.keyring import new_keyring, save
from piimask.tools.generate import generate


@dataclass(frozen=True)
class GeneratedRun:
    source: str  # the generated input (Parquet)
    output: str
    quarantine: str
    keyring: str  # file:... reference
    rubric: str  # rubric.yaml without its privacy section, any quarantine share but all
    record: dict  # the job's audit record


def generated_run(spark, folder: Path, rows: int, seed: int, malformed_rate: float) -> GeneratedRun:
    keyring = f"file:{folder / 'keyring.json'}"
    save(new_keyring("quarterly", back=12, ahead=4), keyring)
    source = str(folder / "in.parquet")
    generate(spark, rows, seed=seed, malformed_rate=malformed_rate).write.parquet(source)
    output, quarantine = str(folder / "out"), str(folder / "raw" / "quarantine")
    # a malformed rate near the 5% default ceiling would make the run's outcome depend on the draw
    rubric = tolerant_quarantine()
    record = run(
        spark,
        RunOptions(
            rubric=rubric,
            input=source,
            output=output,
            quarantine=quarantine,
            vault=str(folder / "raw" / "vault"),
            keyring=keyring,
            input_format="parquet",
        ),
    )
    return GeneratedRun(source, output, quarantine, keyring, rubric, record)
