"""A plugin that fails at any stage stops the run with a message naming it and the stage.

Never a traceback, never a written folder. The stages: importing a
``--plugins`` file or an installed distribution, registering its hooks,
``kaohe_register_rules``, ``kaohe_check_inputs``, a rule's step,
``kaohe_run_finished``, and a text function called when the files are made.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

import kaohe
from kaohe.cli import main

#: A rule that deducts one point from the first unit, with ``NOTE`` as its note text.
#: The first lines of a plugin file: it states the plugin API it is written against.
HEAD = 'import kaohe\nKAOHE_API = "1.1"\n'

RULE = """
import numpy as np
import kaohe
KAOHE_API = "1.1"
from kaohe.blocks import Adjustments


def note():
    {note}


def compute(ctx):
    block = Adjustments(
        entity="unit", kind="deduction", rule="boom", index=np.array([0]),
        points=np.array([[-1.0]]), source_table="units", source_id="u", effect="扣分",
        note=note,
    )
    return {{"unit.adjustments": [block]}}


@kaohe.hookimpl
def kaohe_register_rules():
    return [kaohe.Rule(name="boom", title="boom", reference="X1", steps=(
        kaohe.Step("deduct", compute, reads={{"table.units"}}, writes={{"unit.adjustments"}}),
    ))]
"""


def folder_with(tmp_path: Path, source: str, name: str = "local.py") -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


def scheme_with_boom(tmp_path: Path) -> Path:
    scheme = tmp_path / COUNTY.name
    scheme.write_text(COUNTY.read_text(encoding="utf-8") + "\n[boom]\nbasis = 'x'\n", "utf-8")
    shutil.copytree(COUNTY.with_suffix(""), tmp_path / COUNTY.stem)
    return scheme


def run(tmp_path: Path, *args: str, scheme: Path = COUNTY) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["score", str(scheme), "--out", str(tmp_path / "o"), *args])
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists() or result.exit_code == 0
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("raise RuntimeError('no database')\n", "(import): RuntimeError: no database"),
        ("def broken(:\n", "(import): SyntaxError: "),
        ("import kaohe_no_such_module\n", "(import): ModuleNotFoundError: No module named"),
        ("import sys\nsys.exit(3)\n", "(import): SystemExit: 3"),
        (
            HEAD + "@kaohe.hookimpl\ndef kaohe_regster_rules():\n    return []\n",
            "(registration): unknown hook 'kaohe_regster_rules'",
        ),
        (
            HEAD + "@kaohe.hookimpl\ndef kaohe_register_rules():\n    raise KeyError('x')\n",
            "(kaohe_register_rules): KeyError: 'x'",
        ),
        (
            HEAD + "@kaohe.hookimpl\ndef kaohe_register_rules():\n    return 5\n",
            "(kaohe_register_rules): TypeError: 'int' object is not iterable",
        ),
        (
            HEAD + "@kaohe.hookimpl\ndef kaohe_register_rules():\n    return ['rule']\n",
            "(kaohe_register_rules): returned str, expected kaohe.Rule objects",
        ),
        (
            HEAD + "@kaohe.hookimpl\ndef kaohe_check_inputs(scheme, data):\n    return 1 / 0\n",
            "(kaohe_check_inputs): ZeroDivisionError: division by zero",
        ),
        (
            HEAD + "@kaohe.hookimpl\ndef kaohe_check_inputs(scheme, data):\n"
            "    return 'one warning'\n",
            "(kaohe_check_inputs): returned str, expected a list of strings",
        ),
        (
            HEAD + "@kaohe.hookimpl\ndef kaohe_run_finished(results):\n"
            "    raise ValueError('audit log full')\n",
            "(kaohe_run_finished): ValueError: audit log full",
        ),
    ],
)
def test_a_plugin_file_failing_at_any_stage_is_named(
    tmp_path: Path, source: str, message: str
) -> None:
    folder = folder_with(tmp_path, source)
    code, output = run(tmp_path, "--plugins", str(folder))
    assert code == 1
    # a file that cannot be imported is named by its path; once loaded, by its plugin name
    who = folder / "local.py" if "(import)" in message else "local:local.py"
    assert output.startswith(f"Error: plugin {who} {message}"), output
    assert not (tmp_path / "o").exists()


def test_a_text_function_failing_when_the_files_are_made_is_named(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, RULE.format(note="raise LookupError('no such note')"))
    code, output = run(tmp_path, "--plugins", str(folder), scheme=scheme_with_boom(tmp_path))
    assert code == 1
    assert "Error: plugin local:local.py (rule 'boom', making the text of its rows" in output
    assert "LookupError: no such note" in output
    assert not (tmp_path / "o").exists()


def test_the_same_rule_with_a_working_note_scores(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, RULE.format(note="return np.asarray(['扣一分'])"))
    code, output = run(tmp_path, "--plugins", str(folder), scheme=scheme_with_boom(tmp_path))
    assert code == 0, output
    assert "boom" in (tmp_path / "o" / "adjustments.csv").read_text(encoding="utf-8-sig")


def test_a_failing_text_function_is_named_in_explain_too(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, RULE.format(note="raise LookupError('gone')"))
    scheme = scheme_with_boom(tmp_path)
    result = CliRunner().invoke(main, ["explain", str(scheme), "BM01", "--plugins", str(folder)])
    assert result.exit_code == 1
    assert "plugin local:local.py (rule 'boom', making the text" in result.output
    assert "Traceback" not in result.output


def test_a_kaohe_error_from_check_inputs_refuses_the_inputs_as_it_says(tmp_path: Path) -> None:
    source = (
        HEAD + "@kaohe.hookimpl\ndef kaohe_check_inputs(scheme, data):\n"
        "    raise kaohe.KaoheError('units.csv: 县 has no 乡镇')\n"
    )
    code, output = run(tmp_path, "--plugins", str(folder_with(tmp_path, source)))
    assert code == 1
    assert "Error: units.csv: 县 has no 乡镇" in output


def test_an_installed_distribution_that_fails_to_import_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    info = site / "kaohe_broken-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kaohe-broken\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[kaohe]\nbroken = kaohe_broken_plugin\n")
    (site / "kaohe_broken_plugin.py").write_text("raise ImportError('needs libfoo')\n")
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(kaohe.PluginError) as error:
        kaohe.get_plugin_manager()
    assert str(error.value) == "plugin kaohe-broken (import): ImportError: needs libfoo"
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 1
    assert result.output == "Error: plugin kaohe-broken (import): ImportError: needs libfoo\n"


def test_an_unexpected_error_is_a_short_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaohe import publish

    def broken(*_args: object, **_kwargs: object) -> None:
        raise TypeError("unsupported operand")

    monkeypatch.setattr(publish, "score", broken)
    code, output = run(tmp_path)
    assert code == 1
    assert output.startswith(
        "Error: kaohe stopped on an unexpected error (TypeError: unsupported operand). "
        "This is a bug; please report it"
    )

    def hungry(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(publish, "score", hungry)
    code, output = run(tmp_path)
    assert code == 1
    assert output == (
        "Error: out of memory; give kaohe smaller inputs or a machine with more memory\n"
    )


def test_a_step_calling_sys_exit_is_named_too(tmp_path: Path) -> None:
    source = RULE.format(note="return None").replace(
        "def compute(ctx):", "def compute(ctx):\n    raise SystemExit(4)"
    )
    folder = folder_with(tmp_path, source)
    code, output = run(tmp_path, "--plugins", str(folder), scheme=scheme_with_boom(tmp_path))
    assert code == 1
    assert (
        "Error: plugin local:local.py (rule 'boom'): step 'deduct' raised SystemExit: 4" in output
    )
