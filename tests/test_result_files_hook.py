"""Plugins add files to the result folder through ``kaohe_result_files``; bad ones are named."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

from kaohe.audit.verify import verify
from kaohe.cli import main

SUMMARY = """
import kaohe

KAOHE_API = "1.1"

@kaohe.hookimpl
def kaohe_result_files(results):
    return {FILES}
"""


def score(tmp_path: Path, files: str) -> tuple[int, str, Path]:
    folder = tmp_path / "plugins"
    folder.mkdir()
    source = textwrap.dedent(SUMMARY).replace("{FILES}", files)
    (folder / "summary.py").write_text(source, encoding="utf-8")
    out = tmp_path / "out"
    args = ["score", str(COUNTY), "--out", str(out), "--plugins", str(folder)]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output, out


def test_a_plugin_adds_a_file_that_is_sealed_and_verified(tmp_path: Path) -> None:
    files = '{"units-count.txt": str(len(results.units.ids)).encode() + b"\\n"}'
    code, output, out = score(tmp_path, files)
    assert code == 0, output
    # county-2019 has 20 units
    assert (out / "units-count.txt").read_text(encoding="utf-8") == "20\n"
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert '"units-count.txt"' in manifest
    from kaohe.plugins import Registry

    assert verify(out, registry=Registry.installed(tmp_path / "plugins")) == []


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ('{"units.csv": b""}', "file 'units.csv' is kaohe's or another plugin's"),
        ('{"../x.txt": b""}', "file name '../x.txt' is not a plain file name"),
        ('{"x.txt": "text"}', "file 'x.txt': str, expected bytes"),
        ('["x.txt"]', "returned list, expected a mapping of file names to bytes"),
    ],
)
def test_a_bad_file_is_refused_naming_the_plugin(tmp_path: Path, files: str, message: str) -> None:
    code, output, out = score(tmp_path, files)
    assert code == 1
    assert "(kaohe_result_files)" in output
    assert message in output
    assert not out.exists()
