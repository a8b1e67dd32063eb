"""The driver JVM's options for a session piimask.session launches: the product's own by default,
``PIIMASK_EXTRA_JAVA_OPTIONS`` appended only when set (the suite sets it in tests/conftest.py)."""

from __future__ import annotations

from piimask.session import EXTRA_JAVA_OPTIONS_ENV, JIT_FLAG, JVM_OPTIONS, java_options


def test_without_the_knob_the_jvm_gets_the_product_options(monkeypatch):
    monkeypatch.delenv(EXTRA_JAVA_OPTIONS_ENV, raising=False)
    assert java_options() == JVM_OPTIONS
    assert JIT_FLAG in JVM_OPTIONS and "-XX:GCTimeRatio=4" in JVM_OPTIONS
    assert "TieredStopAtLevel" not in java_options()


def test_a_blank_knob_changes_nothing(monkeypatch):
    monkeypatch.setenv(EXTRA_JAVA_OPTIONS_ENV, "  ")
    assert java_options() == JVM_OPTIONS


def test_the_knob_is_appended_after_the_product_options(monkeypatch):
    monkeypatch.setenv(EXTRA_JAVA_OPTIONS_ENV, "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m")
    assert java_options() == f"{JVM_OPTIONS} -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m"
