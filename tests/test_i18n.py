"""Chinese first: the catalog matches the source, every message is translated, --lang and LANG."""

from __future__ import annotations

import gettext
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY, ROOT

from kaohe import i18n
from kaohe.cli import main
from kaohe.cli.app import _lang_first
from kaohe.errors import DataError, SchemeError

babel = pytest.importorskip("babel", reason="Babel reads the catalogs (tox installs it)")
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.frontend import parse_mapping_cfg  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

PO = ROOT / "src" / "kaohe" / "locale" / "zh_CN" / "LC_MESSAGES" / "kaohe.po"
MO = PO.with_suffix(".mo")
HOW = "update the catalog as docs/translations.md says"


def catalog() -> babel.messages.Catalog:
    with PO.open("rb") as file:
        return read_po(file, locale="zh_CN")


def source_messages() -> set[str | tuple[str, ...]]:
    """Every message the source marks, extracted as babel.cfg says."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        found.add(tuple(message) if isinstance(message, (tuple, list)) else message)
    return found


def test_the_catalog_holds_exactly_the_messages_of_the_source() -> None:
    in_source = source_messages()
    in_catalog = {message.id for message in catalog() if message.id}
    assert sorted(map(str, in_source - in_catalog)) == [], f"not in the catalog: {HOW}"
    assert sorted(map(str, in_catalog - in_source)) == [], f"no longer in the source: {HOW}"
    assert len(in_source) > 200


def _fields(text: str) -> set[str]:
    """The named placeholders of a message: {name} (with any format) and %(name)s."""
    braces = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return braces | set(re.findall(r"%\((\w+)\)", text))


def test_every_message_is_translated_with_the_same_placeholders() -> None:
    untranslated, wrong = [], []
    for message in catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            untranslated.append(ids[0])
            continue
        wanted = set().union(*map(_fields, ids))
        for text in strings:
            # a plural's one Chinese form may use the singular's or the plural's names
            if not _fields(text) <= wanted or (len(ids) == 1 and _fields(text) != wanted):
                wrong.append((ids[0], text))
    assert untranslated == []
    assert wrong == []


def test_the_compiled_catalog_is_the_po() -> None:
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    for message in catalog():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(*message.id, 1) == message.string[0], f"{MO} is stale: {HOW}"
            assert compiled.ngettext(*message.id, 5) == message.string[0], f"{MO} is stale: {HOW}"
        else:
            assert compiled.gettext(message.id) == message.string, f"{MO} is stale: {HOW}"


# -- choosing the language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, i18n.CHINESE),
        ({"LANG": "C.UTF-8"}, i18n.CHINESE),
        ({"LANG": "zh_CN.UTF-8"}, i18n.CHINESE),
        ({"LANG": "en_US.UTF-8"}, i18n.ENGLISH),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, i18n.ENGLISH),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, i18n.CHINESE),
        ({"LANGUAGE": "en:zh", "LC_ALL": "zh_CN.UTF-8"}, i18n.ENGLISH),
        ({"LANGUAGE": "", "LANG": "en"}, i18n.ENGLISH),
    ],
)
def test_the_language_of_the_environment(environ: dict[str, str], language: str) -> None:
    assert i18n.language_from_env(environ) == language


def test_an_empty_message_stays_empty() -> None:
    i18n.use("zh")
    assert i18n.gettext("") == ""
    assert i18n.gettext("total") == "合计"


def test_use_refuses_an_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.use("fr")


@pytest.mark.usefixtures("chinese")
def test_chinese_is_the_default() -> None:
    result = CliRunner().invoke(main, ["--help"], prog_name="kaohe")
    assert result.exit_code == 0
    assert result.output.startswith("用法: kaohe [OPTIONS] COMMAND [ARGS]...")
    assert "按方案 SCHEME 为数据计分,写出结果文件夹。" in result.output
    assert "显示此帮助并退出。" in result.output


@pytest.mark.usefixtures("chinese")
def test_lang_en_anywhere_on_the_command_line() -> None:
    for args in (["--lang", "en", "score", "--help"], ["score", "--help", "--lang=en"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0
        assert "Score the data under SCHEME and write the result folder." in result.output
        assert "Show this message and exit." in result.output
    # the English message ids are back in place for the next command
    result = CliRunner().invoke(main, ["score", "--help"])
    assert "按方案 SCHEME 为数据计分" in result.output


def test_lang_is_moved_to_the_group() -> None:
    assert _lang_first(["score", "S", "--lang", "en"]) == ["--lang", "en", "score", "S"]
    assert _lang_first(["score", "--lang=en", "S"]) == ["--lang=en", "score", "S"]
    assert _lang_first(["score", "--", "--lang", "en"]) == ["score", "--", "--lang", "en"]
    assert _lang_first(["score", "S"]) == ["score", "S"]


def test_lang_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    result = CliRunner().invoke(main, ["validate", str(COUNTY)], env={"LANG": "zh_CN.UTF-8"})
    assert "county-2019.toml:通过(启用 15 条规则)" in result.output
    assert "警告:" in result.stderr
    result = CliRunner().invoke(main, ["validate", str(COUNTY)], env={"LANG": "en_US.UTF-8"})
    assert "county-2019.toml: ok (15 rules enabled)" in result.output
    assert "warning: " in result.stderr


def test_a_bad_language_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["--lang", "fr", "--help"])
    assert result.exit_code == 2
    assert "Invalid value for '--lang'" in result.output


# -- messages in Chinese --------------------------------------------------------------------


@pytest.mark.usefixtures("chinese")
def test_click_errors_in_chinese() -> None:
    result = CliRunner().invoke(main, ["score", "nothere.toml"], prog_name="kaohe")
    assert result.exit_code == 2
    assert "运行 'kaohe score --help' 查看帮助。" in result.output
    assert "错误:'SCHEME' 的值无效:文件 'nothere.toml' 不存在。" in result.output
    result = CliRunner().invoke(main, ["scor"])
    assert "没有命令 'scor'。" in result.output


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "'FIRST' 的值无效:文件夹 'nothere' 不存在。"), ("en", "Directory 'nothere' does not")],
)
def test_a_path_is_named_in_the_language_of_the_run(tmp_path: Path, lang: str, said: str) -> None:
    # click names the kind of a path when the option is made, at import
    for language in (lang, "en" if lang == "zh" else "zh", lang):
        result = CliRunner().invoke(main, ["--lang", language, "diff", "nothere", str(tmp_path)])
        assert result.exit_code == 2
    assert said in result.output


@pytest.mark.usefixtures("chinese")
def test_a_scheme_error_in_chinese(tmp_path: Path) -> None:
    broken = tmp_path / "s.toml"
    text = COUNTY.read_text(encoding="utf-8").replace("cap = 10.0", "cap = -1.0", 1)
    broken.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["validate", str(broken), "--data", str(COUNTY.parent / "county-2019")]
    )
    assert result.exit_code == 1
    assert f"{broken}:键 'supervision.cap':应为数,>= 0,实际为 -1.0" in result.output


@pytest.mark.usefixtures("chinese")
def test_a_data_error_in_chinese(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for file in (COUNTY.parent / "county-2019").iterdir():
        (data / file.name).write_bytes(file.read_bytes())
    exams = data / "exams.csv"
    lines = exams.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("score")] = "八十"
    lines[1] = ",".join(cells)
    exams.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(COUNTY), "--data", str(data)])
    assert result.exit_code == 1
    assert f"{exams},第 2 行,列 'score': '八十' 不是数;应为有限的数" in result.output


def test_errors_are_made_in_the_language_of_the_moment() -> None:
    assert str(SchemeError("s.toml", "a.b", "x", 3)) == "s.toml: key 'a.b': expected x, got 3"
    i18n.use("zh")
    assert str(SchemeError("s.toml", "a.b", "x", 3)) == "s.toml:键 'a.b':应为x,实际为 3"
    problems = [
        DataError("t.csv", "bad", row=2, column="c"),
        DataError("u.csv", "empty"),
        DataError("t.csv", "worse", row=3),
    ]
    assert str(problems[0]) == "t.csv,第 2 行,列 'c': bad"
    assert str(DataError.of(problems, more=3)).splitlines() == [
        "数据中有 6 个问题,按文件列出:",
        "t.csv",
        "  第 2 行,列 'c': bad",
        "  第 3 行: worse",
        "u.csv",
        "  empty",
        "……还有 3 个问题未列出",
    ]


def test_babel_is_not_needed_to_run() -> None:
    code = "import sys, kaohe, kaohe.cli; kaohe.i18n.use('zh'); print('babel' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert found.stdout.strip() == "False"


# -- every help text of every command -------------------------------------------------------


def _commands(
    group: click.Group, ctx: click.Context, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command below ``group`` with its path, lazily loaded ones and subgroups' too."""
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, click.Context(command, parent=ctx), (*path, name))


def _help_texts() -> dict[str, str]:
    """The help of every command and option of ``kaohe``, by where it is shown."""
    ctx = click.Context(main, info_name="kaohe")
    texts = {"kaohe": main.help or ""}
    texts |= {
        f"kaohe {p.opts[0]}": p.help or "" for p in main.params if isinstance(p, click.Option)
    }
    for path, command in _commands(main, ctx):
        where = "kaohe " + " ".join(path)
        texts[where] = command.help or ""
        for param in command.params:
            if isinstance(param, click.Option):
                texts[f"{where} {param.opts[0]}"] = param.help or ""
    return texts


def test_every_command_and_option_has_its_help_in_the_catalog() -> None:
    texts = _help_texts()
    assert {"kaohe ledger correct --set", "kaohe appeal decide --outcome", "kaohe params"} <= set(
        texts
    )
    known = {message.id for message in catalog() if message.id}
    assert sorted(where for where, text in texts.items() if not text) == [], "no help"
    missing = sorted(f"{where}: {text!r}" for where, text in texts.items() if text not in known)
    assert missing == [], f"help not marked with N_() or not in the catalog: {HOW}"


@pytest.mark.usefixtures("chinese")
@pytest.mark.parametrize("group", [[], ["ledger"], ["appeal"]])
def test_every_command_is_listed_with_chinese_help(group: list[str]) -> None:
    result = CliRunner().invoke(main, [*group, "--help"], prog_name="kaohe")
    assert result.exit_code == 0
    listed = result.output.partition("\n命令:\n")[2].splitlines()
    entries = [line.split(maxsplit=1) for line in listed if line.strip()]
    names = [" ".join(path) for path, _command in _commands(main, click.Context(main))]
    listed_here = [name for name in names if name.split()[:-1] == group]
    assert [entry[0] for entry in entries] == [name.split()[-1] for name in listed_here]
    assert len(entries) >= {"": 13, "ledger": 5, "appeal": 3}["".join(group)]
    not_chinese = [entry for entry in entries if not re.search(r"[\u4e00-\u9fff]", entry[-1])]
    assert not_chinese == []


@pytest.mark.usefixtures("chinese")
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["ledger", "init", "x.txt"],
            "错误:x.txt:应为台账库:FILE.db、sqlite:///FILE.db 或 postgresql://...",
        ),
        (
            ["ledger", "log", "{tmp}/none.db", "SV012"],
            "{tmp}/none.db:没有这个台账库;请用 kaohe ledger init 新建",
        ),
        (
            ["template", str(COUNTY), "--out", "{tmp}/t.csv"],
            "{tmp}/t.csv:模板是 .xlsx 工作簿;文件名应以 .xlsx 结尾",
        ),
        (
            ["whatif", str(COUNTY), "--sweep", "supervision.cap=6:4:1"],
            "应为PATH=起:止:步长 或 PATH=V1,V2,...,如 supervision.cap=6:12:2",
        ),
        (
            ["whatif", str(COUNTY), "--monte-carlo", "1000000000",
             "--vary", "supervision.cap=uniform(8,12)"],
            "1,000,000,000 个情景的测算约需占用",
        ),
    ],
)  # fmt: skip
def test_errors_of_the_newer_commands_in_chinese(
    tmp_path: Path, args: list[str], said: str
) -> None:
    result = CliRunner().invoke(main, [arg.format(tmp=tmp_path) for arg in args])
    assert result.exit_code == 1
    assert said.format(tmp=tmp_path) in result.output


def test_a_folder_scored_in_chinese_is_verified_in_english(tmp_path: Path) -> None:
    """The manifest keeps the warnings in the language of the run (here supervision's
    taxonomy warning, in its plugin's catalog); kaohe verify in the other language reads
    the inputs again in that one."""
    import json

    out = tmp_path / "out"
    scored = CliRunner().invoke(main, ["--lang", "zh", "score", str(COUNTY), "--out", str(out)])
    assert scored.exit_code == 0, scored.output
    (warning,) = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["warnings"]
    assert warning == (
        f"{COUNTY.parent / 'county-2019' / 'supervision.csv'}:问题类别不在 supervision.taxonomy"
        "(不担当, 不亲民, 不认真, 不深入, 不学习, 不碰硬, 不习惯, 不思考, 不留痕, 不开明)之列:"
        "'不作为'(1 条:SV010)"
    )
    verified = CliRunner().invoke(main, ["--lang", "en", "verify", str(out)])
    assert verified.exit_code == 0, verified.output
    assert "scored again" in verified.output
