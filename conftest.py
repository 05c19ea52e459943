"""Fixtures of every test of the repository (tests/ and each plugin's tests/)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def english(kaohe_english: None) -> None:
    """Messages in English, whatever the machine's locale (``chinese`` for Chinese):
    kaohe.testing's ``kaohe_english``, for every test of the repository."""


@pytest.fixture
def chinese(kaohe_chinese: None) -> None:
    """Messages in Chinese, kaohe's default, whatever the machine's locale."""
