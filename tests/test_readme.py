"""The README's code runs as written."""

from __future__ import annotations

import re
import types
from pathlib import Path

import numpy as np
import pytest
from tests.bridge import columns
from tests.cases import d, data, scheme, talk

import kaohe
from kaohe.plugins import Registry, get_plugin_manager

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.S)
LIBRARY = next(block for block in BLOCKS if "kaohe.load_scheme" in block)
PLUGIN = next(block for block in BLOCKS if "kaohe_register_rules" in block)
WHATIF = next(block for block in BLOCKS if "kaohe.whatif" in block)


def test_the_library_example_scores_the_county(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(LIBRARY, namespace)
    both = namespace["both"]
    assert isinstance(both, kaohe.Results)
    assert both.k == 2
    alone = kaohe.evaluate(namespace["scheme"], namespace["data"])  # type: ignore[arg-type]
    assert np.array_equal(both.units.score[0], alone.units.score[0])
    changed = both.units.score[1] != both.units.score[0]  # 乡镇 weight 0.15 -> 0.25
    assert changed.any()
    assert set(both.units.categories[changed]) == {"乡镇"}


def test_the_plugin_example_is_a_working_plugin() -> None:
    module = types.ModuleType("kaohe_talks")
    exec(PLUGIN, module.__dict__)
    registry = Registry.from_plugin_manager(get_plugin_manager(plugins=[module]))
    doc = scheme(talks={})
    tables = data(
        [("u1", "乡镇", 80.0)],
        interviews=[talk(f"T{i}", d(3, i), "u1") for i in range(1, 6)],
    )
    the_scheme = kaohe.Scheme.from_dict(doc, registry)
    results = kaohe.evaluate(the_scheme, kaohe.data_from_columns(columns(tables), the_scheme))
    # five interviews at 0.5 = 2.5, capped at 2.0: 80 - 2 = 78
    assert results.units.score[0].tolist() == [78.0]


def test_the_whatif_example_prints_who_changes_grade(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(LIBRARY, namespace)
    capsys.readouterr()
    exec(WHATIF, namespace)
    assert "单位 XZ08 河坝乡: 较差 -> 一般 (得分 58.69 -> 60.55)" in capsys.readouterr().out
