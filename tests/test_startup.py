"""Start-up: ``import kaohe`` is cheap, and the console script keeps the collector out of it."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

import kaohe


def _python(code: str, *args: str) -> list[str]:
    """Run ``code`` in a fresh interpreter; its output's lines."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_import_kaohe_imports_nothing_heavy_until_a_name_is_used() -> None:
    code = (
        "import sys, kaohe\n"
        "heavy = ('numpy', 'pyarrow', 'click', 'pluggy', 'attrs', 'kaohe.api')\n"
        "print(*[name for name in heavy if name in sys.modules])\n"
        "kaohe.evaluate\n"
        "print(*[name for name in heavy if name in sys.modules])\n"
    )
    before, after = _python(code)
    assert before == ""
    assert "kaohe.api" in after.split()  # the API's names come from kaohe.api
    assert "click" not in after.split()
    assert "pyarrow" not in after.split()


def test_the_lazy_names_are_the_listed_names() -> None:
    assert sorted(kaohe._HOME) == sorted(kaohe.__all__)


@pytest.mark.parametrize("name", kaohe.__all__)
def test_every_name_of_the_api_is_there_and_listed(name: str) -> None:
    value = getattr(kaohe, name)
    assert name in dir(kaohe)
    assert kaohe.__dict__[name] is value  # looked up once, then kept
    assert getattr(value, "__name__", name) in (name, "HookimplMarker")


def test_from_kaohe_import_works_and_an_unknown_name_is_an_attribute_error() -> None:
    from kaohe import Results, evaluate

    assert evaluate.__module__ == "kaohe.api"
    assert Results.__module__ == "kaohe.results"
    with pytest.raises(AttributeError, match="module 'kaohe' has no attribute 'evaluat'"):
        kaohe.evaluat  # noqa: B018
    with pytest.raises(ImportError, match="cannot import name 'Evaluate'"):
        from kaohe import Evaluate  # noqa: F401


def test_a_module_of_the_package_is_there_without_being_imported() -> None:
    code = "import kaohe\nprint(kaohe.i18n.__name__, kaohe.data.load.__module__)\n"
    assert _python(code) == ["kaohe.i18n kaohe.data.load"]


def test_the_console_script_is_run() -> None:
    (script,) = entry_points(group="console_scripts", name="kaohe")
    assert script.value == "kaohe.cli:run"


def test_run_collects_nothing_while_it_imports_and_as_usual_afterwards() -> None:
    code = (
        "import gc, sys\n"
        "frozen_at = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start'"
        " and frozen_at.append(gc.get_freeze_count()))\n"
        "sys.argv = ['kaohe', '--version']\n"
        "from kaohe.cli import run\n"
        "del frozen_at[:]\n"
        "try:\n"
        "    run()\n"
        "except SystemExit:\n"
        "    pass\n"
        "gc.collect()\n"
        "print(gc.isenabled(), len(frozen_at) > 0, min(frozen_at) > 10_000)\n"
        "print('click' in sys.modules)\n"
    )
    *_, collected, imported = _python(code)
    assert collected == "True True True"
    assert imported == "True"


def test_python_dash_m_kaohe_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kaohe", "--lang", "en", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "score" in done.stdout
    assert "Score the data under SCHEME" in done.stdout
