"""Fixtures of every test of the repository (tests/ and each plugin's tests/)."""

from __future__ import annotations

import pytest

from kaohe import i18n


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in English, whatever the machine's locale (``chinese`` for Chinese).

    The environment says so too, as every ``kaohe`` command reads it afresh.
    """
    monkeypatch.setenv("LANGUAGE", "en")
    i18n.use("en")


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in Chinese, kaohe's default, whatever the machine's locale."""
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    i18n.use("zh_CN")
