"""``kaohe verify``: a result folder is audited against its inputs, scored again, and its rows."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from tests.bridge import registry
from tests.conftest import COUNTY
from tests.test_explain import formula_ids

import kaohe
from kaohe import manifest
from kaohe.audit.sums import _adds_up
from kaohe.audit.verify import Audit, audit, verify
from kaohe.cli import main
from kaohe.cli.audit import verify as verify_command
from kaohe.output import result_files, write_folder
from kaohe.plugins import Registry, get_plugin_manager

Rows = list[dict[str, str]]


@pytest.fixture
def runner() -> CliRunner:
    if "verify" not in main.commands:
        main.add_command(verify_command)
    return CliRunner()


@pytest.fixture
def scored(runner: CliRunner, tmp_path: Path) -> Path:
    """A copy of county-2019 and its data, scored into ``tmp_path/out``."""
    scheme = tmp_path / COUNTY.name
    shutil.copy(COUNTY, scheme)
    shutil.copytree(COUNTY.with_suffix(""), tmp_path / COUNTY.stem)
    result = runner.invoke(main, ["score", str(scheme), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


def edit_csv(path: Path, change: Callable[[Rows], None]) -> None:
    """Rewrite a result CSV after ``change`` edits its rows in place."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")


def row(rows: Rows, column: str, value: str) -> dict[str, str]:
    return next(r for r in rows if r[column] == value)


def without_inputs(scored: Path) -> None:
    """Take the data away: the folder can only be checked by its hashes and sums."""
    (scored.parent / COUNTY.stem).rename(scored.parent / "elsewhere")


def test_an_untouched_folder_passes(scored: Path, runner: CliRunner) -> None:
    assert verify(scored) == []
    result = runner.invoke(main, ["verify", str(scored)])
    assert result.exit_code == 0, result.output
    assert result.output == "ok: the inputs scored again give every value of every file\n"


def test_without_the_inputs_hashes_and_sums_are_checked(scored: Path, runner: CliRunner) -> None:
    without_inputs(scored)
    found = audit(scored)
    assert not found.rescored
    assert found.notes == ("not scored again: the inputs are not as they were",)
    assert all(p.startswith("table ") and p.endswith(" is missing") for p in found.problems)


@pytest.mark.parametrize("scheme", ["dongli-2018", "street-2012", "bureau-2016", "street-2016"])
def test_every_reference_result_passes(scheme: str, runner: CliRunner, tmp_path: Path) -> None:
    path = COUNTY.with_name(f"{scheme}.toml")
    result = runner.invoke(
        main, ["score", str(path), "--out", str(tmp_path / "o"), "--format", "all"]
    )
    assert result.exit_code == 0, result.output
    assert audit(tmp_path / "o") == Audit((), True)


def test_a_changed_input_file_is_found(scored: Path, runner: CliRunner) -> None:
    data = scored.parent / COUNTY.stem
    with (data / "supervision.csv").open("a", encoding="utf-8") as stream:
        stream.write("SV999,2019-06-01,XZ01,一般,,,,\n")
    problems = verify(scored)
    assert len(problems) == 1
    assert problems[0].startswith(f"table supervision: {data / 'supervision.csv'} has changed")
    result = runner.invoke(main, ["verify", str(scored)])
    assert result.exit_code == 1
    assert "table supervision" in result.output
    assert "1 problem" in result.output
    assert "note: not scored again: the inputs are not as they were" in result.output


def test_a_missing_or_newly_present_input_is_found(scored: Path) -> None:
    data = scored.parent / COUNTY.stem
    (data / "awards.csv").unlink()
    (data / "notices.csv").write_text("id,issued,deadline,unit_id\n", encoding="utf-8")
    problems = verify(scored)
    assert f"table awards: {data / 'awards.csv'} is missing" in problems
    assert f"table notices: {data / 'notices.csv'} was absent at the run and exists now" in problems


def edit_scheme(scheme: Path) -> None:
    text = scheme.read_text(encoding="utf-8")
    assert text.count("cap = 10.0") == 1
    scheme.write_text(text.replace("cap = 10.0", "cap = 8.0"), encoding="utf-8")


def rewrite_manifest(folder: Path, change: Callable[[dict[str, object]], None]) -> None:
    """Edit the manifest (no hash covers it; only a signature would)."""
    info = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    change(info)
    (folder / "manifest.json").write_bytes(manifest.to_bytes(info))


def test_a_scheme_edited_in_place_is_rebuilt_from_the_text_the_manifest_keeps(
    scored: Path, runner: CliRunner
) -> None:
    scheme = scored.parent / COUNTY.name
    kept = json.loads((scored / "manifest.json").read_text(encoding="utf-8"))["scheme"]
    assert kept["text"] == COUNTY.read_text(encoding="utf-8")
    edit_scheme(scheme)
    note = f"scheme: {scheme} has changed since the run or is gone; the scheme's text kept in "
    assert audit(scored) == Audit((), True, (note + "manifest.json is used",))
    result = runner.invoke(main, ["verify", str(scored)])
    assert result.exit_code == 0, result.output
    assert f"note: {note}" in result.output
    scheme.unlink()
    assert audit(scored) == Audit((), True, (note + "manifest.json is used",))


def test_a_changed_scheme_is_found_when_the_manifest_keeps_no_text(scored: Path) -> None:
    scheme = scored.parent / COUNTY.name
    rewrite_manifest(scored, lambda info: info["scheme"].pop("text"))  # type: ignore[attr-defined]
    assert audit(scored) == Audit((), True)  # a folder from before the text was kept
    edit_scheme(scheme)
    problems = verify(scored)
    assert problems == [next(p for p in problems if p.startswith(f"scheme: {scheme} has changed"))]


def test_an_edited_scheme_text_in_the_manifest_is_found(scored: Path) -> None:
    def capped(info: dict[str, Any]) -> None:
        info["scheme"]["text"] = info["scheme"]["text"].replace("cap = 10.0", "cap = 3.0")

    rewrite_manifest(scored, capped)
    edited = (
        "scheme: the text manifest.json keeps is not the scheme the run was scored with "
        "(its sha256 is not the recorded one)"
    )
    found = audit(scored)
    assert found.rescored  # with the scheme file, unchanged
    assert found.problems[0] == edited
    assert found.problems[1].startswith("manifest.json key 'scheme.text': ")
    assert len(found.problems) == 2
    edit_scheme(scored.parent / COUNTY.name)  # neither the file nor the text is the run's
    found = audit(scored)
    assert not found.rescored
    assert found.problems[:2] == (
        edited,
        next(
            p
            for p in found.problems
            if p.startswith(f"scheme: {scored.parent / COUNTY.name} has changed")
        ),
    )


def test_an_edited_score_is_found_cell_by_cell(scored: Path, runner: CliRunner) -> None:
    edit_csv(scored / "units.csv", lambda rows: row(rows, "unit_id", "XZ08").update(score="59.69"))
    assert verify(scored) == [
        "units.csv: changed since the run (its sha256 is not the recorded one)",
        "units.csv row 20 (unit_id XZ08), column 'score': '59.69' in the file, "
        "'58.69' scoring again",
    ]
    result = runner.invoke(main, ["verify", str(scored)])
    assert result.exit_code == 1
    assert "units.csv row 20 (unit_id XZ08), column 'score'" in result.output


def test_an_edited_score_without_the_inputs_does_not_add_up(scored: Path) -> None:
    edit_csv(scored / "units.csv", lambda rows: row(rows, "unit_id", "XZ08").update(score="59.69"))
    without_inputs(scored)
    problems = verify(scored)
    assert any(
        p.startswith("units.csv XZ08: score 59.69 but round2(max(0, composite 73.6931 + ")
        and p.endswith("= 58.69")
        for p in problems
    ), problems


def drop_a_deduction(rows: Rows) -> None:
    rows.remove(next(r for r in rows if r["entity_id"] == "XZ06" and r["source_id"] == "IV001"))


def test_a_deleted_row_is_named(scored: Path) -> None:
    edit_csv(scored / "adjustments.csv", drop_a_deduction)
    problems = verify(scored)
    assert (
        problems[0] == "adjustments.csv: changed since the run (its sha256 is not the recorded one)"
    )
    assert problems[1].startswith("adjustments.csv row ")
    assert problems[1].endswith(
        " (entity unit): missing from the file; scoring again gives "
        "'unit,XZ06,criticism,interviews,IV001,-0.5000,扣分,被上级约谈'"
    )
    assert len(problems) == 2


def test_edited_cadre_scores_and_rows_without_the_inputs_do_not_add_up(scored: Path) -> None:
    edit_csv(
        scored / "cadres.csv", lambda rows: row(rows, "cadre_id", "BM01-05").update(score="86.24")
    )
    edit_csv(scored / "adjustments.csv", drop_a_deduction)
    without_inputs(scored)
    problems = verify(scored)
    assert any(p.startswith("cadres.csv BM01-05: score 86.24 but") for p in problems), problems
    assert any(p.startswith("units.csv XZ06: score 76.56 but") for p in problems), problems
    assert any(p.startswith("units.csv XZ06: bonus") for p in problems), problems


def test_a_missing_result_row_without_the_inputs_is_counted(scored: Path) -> None:
    edit_csv(scored / "cadres.csv", lambda rows: rows.pop())
    without_inputs(scored)
    assert "cadres.csv: 199 rows, but the input table had 200" in verify(scored)


def test_ranks_and_freezes_without_the_inputs_are_checked(scored: Path) -> None:
    edit_csv(scored / "units.csv", lambda rows: row(rows, "unit_id", "XZ02").update(rank="1"))
    edit_csv(
        scored / "cadres.csv",
        lambda rows: row(rows, "cadre_id", "XZ06-10").update(frozen_until="2020-12-05"),
    )
    without_inputs(scored)
    problems = "\n".join(verify(scored))
    assert (
        "units.csv XZ02: rank 1, but 1 units of its category score higher (expected 2)" in problems
    )
    assert "cadres.csv XZ06-10: frozen_until '2020-12-05', but the windows" in problems


def test_grades_flags_and_quotas_are_checked_by_scoring_again(scored: Path) -> None:
    def units(rows: Rows) -> None:
        row(rows, "unit_id", "TG02").update(grade="优秀", flags="通报表扬")  # over the quota
        row(rows, "unit_id", "XZ07").update(grade="一般")  # 82.90 is 良好

    edit_csv(scored / "units.csv", units)
    edit_csv(
        scored / "cadres.csv", lambda rows: row(rows, "cadre_id", "BM01-04").update(grade="称职")
    )
    assert verify(scored) == [
        "cadres.csv: changed since the run (its sha256 is not the recorded one)",
        "units.csv: changed since the run (its sha256 is not the recorded one)",
        "cadres.csv row 4 (cadre_id BM01-04), column 'grade': '称职' in the file, "
        "'优秀' scoring again",
        "units.csv row 10 (unit_id TG02), column 'grade': '优秀' in the file, '良好' scoring again",
        "units.csv row 10 (unit_id TG02), column 'flags': '通报表扬' in the file, '' scoring again",
        "units.csv row 19 (unit_id XZ07), column 'grade': '一般' in the file, '良好' scoring again",
    ]


def test_a_result_scored_as_of_another_date_verifies(runner: CliRunner, scored: Path) -> None:
    out = scored.parent / "mid"
    scheme = scored.parent / COUNTY.name
    args = ["score", str(scheme), "--out", str(out), "--as-of", "2019-06-30"]
    assert runner.invoke(main, args).exit_code == 0
    assert audit(out) == Audit((), True)


def test_a_result_with_overrides_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kaohe import publish

    monkeypatch.chdir(COUNTY.parent.parent)
    path = Path("schemes") / COUNTY.name
    overrides = {"satisfaction.weight.乡镇": 0.35}
    inputs = publish.load(path, None, registry(), overrides=overrides)
    results = publish.score(inputs)
    _, files = publish.result_files(results, inputs, ("xlsx",), overrides)
    write_folder(tmp_path / "o", files)
    assert audit(tmp_path / "o") == Audit((), True)
    units = (tmp_path / "o" / "units.csv").read_text(encoding="utf-8-sig")
    assert "XZ08,河坝乡,乡镇," in units
    assert ",60.55,8,一般," in units  # the README's example


def test_ids_that_look_like_formulas_pass(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = formula_ids(tmp_path)
    result = runner.invoke(main, ["score", str(COUNTY), "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "'=BM01," in (out / "units.csv").read_text(encoding="utf-8-sig")
    assert verify(out) == []
    shutil.rmtree(data)
    assert all(p.endswith(" is missing") for p in verify(out))  # the sums hold too


def test_relative_paths_resolve_against_root(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(COUNTY, tmp_path / COUNTY.name)
    shutil.copytree(COUNTY.with_suffix(""), tmp_path / COUNTY.stem)
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["score", COUNTY.name, "--out", "out"]).exit_code == 0
    assert verify("out") == []
    monkeypatch.chdir(tmp_path / "out")
    assert any(p.endswith("is missing") for p in verify("."))
    assert verify(".", root=tmp_path) == []
    result = runner.invoke(main, ["verify", ".", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_workbook_tables_share_the_workbook_hash(runner: CliRunner, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for file in sorted(COUNTY.with_suffix("").glob("*.csv")):
        sheet = book.create_sheet(file.stem)
        with file.open(encoding="utf-8-sig", newline="") as stream:
            for line in csv.reader(stream):
                sheet.append(line)
    path = tmp_path / "book.xlsx"
    book.save(path)
    out = tmp_path / "out"
    result = runner.invoke(main, ["score", str(COUNTY), "--data", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert verify(out) == []
    book.create_sheet("Sheet9")
    book.save(path)
    problems = verify(out)
    assert len(problems) == 1
    assert problems[0].startswith("tables awards, cadres, criticisms, exams, exposures, ")
    assert f"{path} has changed since the run" in problems[0]


def test_inputs_given_in_memory_cannot_be_verified(tmp_path: Path) -> None:
    loaded = kaohe.load_scheme(COUNTY, registry())
    scheme = attrs.evolve(loaded, path="<memory>", sha256=None)  # as Scheme.from_dict gives
    files = kaohe.load_data(COUNTY.with_suffix(""), scheme)
    columns = {name: dict(table.columns) for name, table in files.tables.items() if table.present}
    for table in columns.values():
        for key in ("unit", "cadre", "ref_row"):  # made by the data layer
            table.pop(key, None)
    data = kaohe.data_from_columns(columns, scheme)
    results = kaohe.evaluate(scheme, data)
    info = manifest.build(results, data_path="<memory>")
    write_folder(tmp_path / "o", result_files(results, info))
    problems = verify(tmp_path / "o")
    assert "scheme: given in memory; its content cannot be verified" in problems
    assert "table units: given in memory; its content cannot be verified" in problems
    assert all("given in memory" in p for p in problems), problems


def test_the_manifest_lists_every_plugin_with_distribution_and_version(scored: Path) -> None:
    info = json.loads((scored / "manifest.json").read_text(encoding="utf-8"))
    plugins = {p["plugin"]: p for p in info["plugins"]}
    assert plugins["supervision"]["distribution"] == "kaohe-supervision"
    assert plugins["kaohe.builtin.unit_grading"]["distribution"] == "kaohe"
    assert all(p["version"] for p in info["plugins"])
    for key in ("as_of", "overrides", "kaohe_version", "rules", "tables", "scheme"):
        assert key in info


def test_a_changed_local_plugin_file_is_found(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "local"
    folder.mkdir()
    plugin = folder / "quiet.py"
    plugin.write_text('import kaohe\nKAOHE_API = "1.1"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        main, ["score", str(COUNTY), "--out", str(out), "--plugins", str(folder)]
    )
    assert result.exit_code == 0, result.output
    with_plugin = Registry.from_plugin_manager(get_plugin_manager(plugin_dir=folder))
    assert verify(out, registry=with_plugin) == []
    assert verify(out) == [
        "plugin local:quiet.py: the run used local:quiet.py unregistered, which is not "
        "installed; give --plugins FOLDER to score the inputs as the run did"
    ]
    plugin.write_text('import kaohe\nKAOHE_API = "1.1"  # changed\n', encoding="utf-8")
    problems = verify(out, registry=with_plugin)
    assert problems == [
        next(p for p in problems if p.startswith(f"plugin local:quiet.py: {plugin} has changed"))
    ]


@pytest.mark.parametrize(
    ("total", "terms", "published", "ok"),
    [
        ("58.6931", 17, "58.69", True),
        ("-3.5000", 2, "0.00", True),  # max(0, ...)
        ("100.2000", 3, "100.00", False),  # a unit has no upper clamp
        ("10.00495", 2, "10.01", True),  # within 5e-5 per term of the half cent
        ("10.0040", 2, "10.01", False),
        ("10.0060", 2, "10.02", False),  # more than a cent off
    ],
)
def test_rounding_slack(total: str, terms: int, published: str, ok: bool) -> None:
    assert _adds_up(Decimal(total), terms, Decimal(published), None) is ok


# -- malformed folders ---------------------------------------------------------------------


def set_key(info: dict[str, object], dotted: str, value: object) -> None:
    *parents, last = dotted.split(".", 1) if dotted.startswith("files.") else dotted.split(".")
    for key in parents:
        info = info[key]  # type: ignore[assignment]
    if value is DELETE:
        del info[last]
    else:
        info[last] = value


DELETE = object()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[1, 2]", "manifest.json: expected a JSON object (the manifest kaohe score writes), "
         "got a list"),
        (b"{", "manifest.json: not valid JSON (Expecting property name"),
        (b"\xff\xfe", "manifest.json: not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "manifest.json: not a manifest of kaohe (JSON nested"),
        (b'{"kind": "whatif", "files": {}}', "manifest.json: a what-if folder; kaohe verify"),
        (b'{"scheme": {}}', "manifest.json: lists no output files: written by a kaohe from before"),
        (b"{}", "manifest.json: lists no output files"),
    ],
)  # fmt: skip
def test_a_manifest_that_is_not_one_is_a_clear_problem(
    scored: Path, runner: CliRunner, content: bytes, problem: str
) -> None:
    (scored / "manifest.json").write_bytes(content)
    problems = verify(scored)
    assert len(problems) == 1
    assert problems[0].startswith(problem), problems
    result = runner.invoke(main, ["verify", str(scored)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("tables", DELETE, "key 'tables' is missing"),
        ("files", [], "key 'files': expected a table (JSON object), got []"),
        ("tables.units.rows", "20", "key 'tables.units.rows': expected a whole number, got '20'"),
        ("tables.units.present", 1, "key 'tables.units.present': expected true or false, got 1"),
        ("scheme.file", None, "key 'scheme.file': expected a string, got None"),
        ("plugins", [{"plugin": "x"}], "key 'plugins[0].distribution' is missing"),
        ("as_of", "yesterday", "key 'as_of': expected a date YYYY-MM-DD, got 'yesterday'"),
        ("kind", "score2", "key 'kind': expected 'score', got 'score2'"),
        ("files.units.csv", "00", "key 'files.units.csv': expected a file name and a sha256"),
        (
            "overrides",
            {"a": [1]},
            "key 'overrides.a': expected a string or a whole number or a number or true or "
            "false, got [1]",
        ),
        ("files", {"../x": "0" * 64}, "key 'files.../x': expected a file name and a sha256"),
        ("rows", 1, None),  # an unknown key: scoring again finds it
    ],
)
def test_a_manifest_with_wrong_keys_or_types_is_a_clear_problem(
    scored: Path, key: str, value: object, problem: str | None
) -> None:
    info = json.loads((scored / "manifest.json").read_text(encoding="utf-8"))
    set_key(info, key, value)
    (scored / "manifest.json").write_text(json.dumps(info), encoding="utf-8")
    problems = verify(scored)
    if problem is None:
        assert problems == ["manifest.json key 'rows': 1 in the file, None scoring again"]
    else:
        assert problems == [f"manifest.json: not a manifest of kaohe score ({problem})"]


def test_result_files_missing_columns_are_clear_problems(scored: Path, runner: CliRunner) -> None:
    edit = "unit_id,name\nXZ01,城关镇\n"
    (scored / "units.csv").write_text(edit, encoding="utf-8")
    problems = verify(scored)
    assert "units.csv: columns unit_id, name; scoring again gives unit_id, name, category, " in (
        "\n".join(problems)
    )
    without_inputs(scored)
    problems = verify(scored)
    assert (
        "units.csv: cannot be checked (missing columns category, target_score, satisfaction, "
        "composite, deductions, bonus, score, rank, grade, flags)" in problems
    )
    result = runner.invoke(main, ["verify", str(scored)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00bad", b'"unterminated\n', b"\x00\x00", b"", b"a,b\n" + b"x" * 200_000],
)
def test_unreadable_result_files_are_clear_problems(scored: Path, content: bytes) -> None:
    for name in ("units.csv", "adjustments.csv", "results.xlsx"):
        (scored / name).write_bytes(content)
    problems = verify(scored)
    assert (
        problems[0] == "adjustments.csv: changed since the run (its sha256 is not the recorded one)"
    )
    without_inputs(scored)
    assert any(p.startswith("units.csv: cannot be checked") for p in verify(scored))


def test_added_and_missing_files_are_found(scored: Path) -> None:
    (scored / "extra.txt").write_text("x")
    (scored / "findings.csv").unlink()
    problems = verify(scored)
    assert "findings.csv: missing from the result folder" in problems
    assert "extra.txt: in the result folder but not part of the result" in problems


def test_other_plugin_versions_are_reported(scored: Path) -> None:
    info = json.loads((scored / "manifest.json").read_text(encoding="utf-8"))
    entry = next(p for p in info["plugins"] if p["plugin"] == "supervision")
    entry["version"] = "0.9.0"
    info["kaohe_version"] = "0.0.1"
    (scored / "manifest.json").write_text(json.dumps(info), encoding="utf-8")
    problems = verify(scored)
    assert problems[0].startswith("kaohe: the run used version 0.0.1, version ")
    assert problems[1] == (
        "plugin supervision: the run used kaohe-supervision 0.9.0, kaohe-supervision 1.0.0 is "
        "installed; the result can only be confirmed with kaohe-supervision==0.9.0"
    )
    assert len(problems) == 2
