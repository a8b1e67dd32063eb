"""Frames: the DataFrame helpers the job, verify and the lifecycle commands all use.

Owns reading the input and a published output (``read``), the input's columns check and bucket
suggestion (``classify``), per-column validation and the annotated input (``validation``,
``annotate``: reasons and key window), the key frames joined into rows (``keys``) and type
helpers (``schema``). May import ``errors``, ``expr``, ``treatments``, ``rubric``, ``keys`` and
``storage``; never ``job``, ``verify`` or ``lifecycle``.
"""
