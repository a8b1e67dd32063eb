"""Tools around the kit: the synthetic data generator, the risk report, the redaction report.

Owns `pii-mask generate` (``generate``: Faker pools expanded natively to N rows, with labelled
notes), `pii-mask report` (``risk_report``: one self-contained HTML page from an audit record)
and `pii-mask redaction-report` (``redaction_report``). May import everything below it; nothing
imports ``tools`` but ``cli``.
"""
