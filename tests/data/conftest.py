"""Fixtures of the data-layer tests: sample tables written into tmp_path.

The sample tables and file writers live in ``data_samples.py`` beside this
file; the test suite runs with ``--import-mode=importlib``, so this folder is
put on ``sys.path`` for the test modules to import it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from data_samples import Tables, sample, write_csv  # noqa: E402


@pytest.fixture
def tables() -> Tables:
    """A fresh copy of the sample tables (mutate freely)."""
    return sample()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The sample tables as a CSV folder."""
    return write_csv(tmp_path / "data", sample())
