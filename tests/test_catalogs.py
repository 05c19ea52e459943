"""A plugin's own catalog: kaohe.sdk.Messages follows kaohe's language, and
kaohe.testing.assert_catalog_complete finds what the catalog lacks."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaohe import i18n, sdk
from kaohe.catalogs import catalog_problems, read_po

babel = pytest.importorskip("babel", reason="Babel compiles the test's catalog (tox installs it)")
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po as babel_read_po  # noqa: E402

SOURCE = """\
from kaohe.sdk import Messages, N_

_ = Messages(__name__)
DOC = N_("points per finding")


def warn(n, file):
    return _.ngettext("{file}: {n} row", "{file}: {n} rows", n).format(file=file, n=n)


def fail(value):
    return _("'{value}' is not known").format(value=value)
"""

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "'{value}' is not known"
msgstr "未知的 '{value}'"

msgid "points per finding"
msgstr "每个问题的"
"扣分"

msgid "{file}: {n} row"
msgid_plural "{file}: {n} rows"
msgstr[0] "{file}:{n} 行"
"""


def write_catalog(package: Path, po: str, compiled: str | None = None) -> None:
    """The package's zh_CN catalog: ``po`` and its .mo (of ``compiled`` when told: stale)."""
    folder = package / "locale" / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plugin_fake.po").write_text(po, encoding="utf-8")
    source = folder / "compiled.po"
    source.write_text(po if compiled is None else compiled, encoding="utf-8")
    with source.open("rb") as file:
        catalog = babel_read_po(file, locale="zh_CN")
    source.unlink()
    with (folder / "plugin_fake.mo").open("wb") as file:
        write_mo(file, catalog)


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An importable package ``plugin_fake`` with a complete catalog."""
    package = tmp_path / "plugin_fake"
    package.mkdir()
    (package / "__init__.py").write_text(SOURCE, encoding="utf-8")
    write_catalog(package, PO)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    sys.modules.pop("plugin_fake", None)


def test_a_po_is_read_entry_by_entry(plugin: Path) -> None:
    po = plugin / "locale" / "zh_CN" / "LC_MESSAGES" / "plugin_fake.po"
    assert list(read_po(po)) == [
        (("'{value}' is not known",), ("未知的 '{value}'",), False),
        (("points per finding",), ("每个问题的扣分",), False),
        (("{file}: {n} row", "{file}: {n} rows"), ("{file}:{n} 行",), False),
    ]


def test_a_complete_catalog_has_no_problem(plugin: Path) -> None:
    assert catalog_problems("plugin_fake") == []


def test_the_plugin_speaks_the_language_of_kaohe(plugin: Path) -> None:
    import plugin_fake  # type: ignore[import-not-found]

    assert plugin_fake.fail("x") == "'x' is not known"
    assert plugin_fake.warn(2, "a.csv") == "a.csv: 2 rows"
    i18n.use("zh")
    assert plugin_fake.fail("x") == "未知的 'x'"
    assert plugin_fake.warn(2, "a.csv") == "a.csv:2 行"
    assert plugin_fake._(plugin_fake.DOC) == "每个问题的扣分"
    assert plugin_fake._("not in the catalog") == "not in the catalog"
    i18n.use("en")
    assert plugin_fake._(plugin_fake.DOC) == "points per finding"


def test_messages_is_the_sdk_one() -> None:
    assert sdk.Messages is i18n.Messages
    assert sdk.Messages("kaohe_nothing.sub").domain == "kaohe_nothing"
    # no catalog anywhere: the English message
    i18n.use("zh")
    assert sdk.Messages("kaohe_nothing")("points") == "points"


def test_what_a_catalog_lacks(plugin: Path) -> None:
    source = plugin / "__init__.py"
    source.write_text(SOURCE + '\nNEW = N_("a new message")\n', encoding="utf-8")
    assert catalog_problems("plugin_fake") == ["not in the catalog: ('a new message',)"]
    source.write_text(SOURCE.replace('N_("points per finding")', '"points"'), encoding="utf-8")
    assert catalog_problems("plugin_fake") == ["no longer in the source: ('points per finding',)"]


def test_untranslated_fuzzy_or_misplaced(plugin: Path) -> None:
    untranslated = PO.replace("msgstr \"未知的 '{value}'\"", 'msgstr ""')
    write_catalog(plugin, untranslated)
    assert catalog_problems("plugin_fake") == ["not translated: \"'{value}' is not known\""]
    fuzzy = PO.replace('msgid "points per finding"', '#, fuzzy\nmsgid "points per finding"')
    write_catalog(plugin, fuzzy)
    assert catalog_problems("plugin_fake") == ["not translated: 'points per finding'"]
    misplaced = PO.replace("未知的 '{value}'", "未知的 '{valeu}'")
    write_catalog(plugin, misplaced)
    assert catalog_problems("plugin_fake") == [
        "placeholders differ: \"'{value}' is not known\" -> \"未知的 '{valeu}'\""
    ]


def test_a_stale_mo(plugin: Path) -> None:
    write_catalog(plugin, PO, compiled=PO.replace("每个问题的", "每个"))
    assert catalog_problems("plugin_fake") == [
        "plugin_fake.mo is not plugin_fake.po compiled: 'points per finding'"
    ]


def test_no_catalog(plugin: Path) -> None:
    for file in (plugin / "locale" / "zh_CN" / "LC_MESSAGES").iterdir():
        file.unlink()
    (problem,) = catalog_problems("plugin_fake")
    assert problem.startswith("no catalog: ")
    (plugin / "__init__.py").write_text("X = 1\n", encoding="utf-8")
    assert catalog_problems("plugin_fake") == []


def test_a_rule_pickles_with_its_messages_once_they_are_read() -> None:
    """Dask sends rules to its workers: a catalog read is kept outside the rule."""
    import pickle

    from kaohe_hotline import RULE  # type: ignore[import-untyped]

    i18n.use("zh")
    assert RULE.text(RULE.params["cap"].doc) == "每个单位最多扣的分数"
    again = pickle.loads(pickle.dumps(RULE))
    assert again.text(again.params["cap"].doc) == "每个单位最多扣的分数"
