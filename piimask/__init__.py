"""piimask: mask personal data in tool telemetry with native PySpark, driven by rubric.yaml."""

__version__ = "0.1.0"
