"""The tampering matrix: every output file, every kind of edit, found by kaohe verify.

For each file of a result (``--format all``, signed) and each kind of edit
(one cell; a consistent set of cells, as a forger would make them; a
deleted row; any of these with the manifest's hashes rewritten to match),
``kaohe verify`` reports it twice over: with the inputs at hand (scoring
again finds every changed value), and with the inputs gone but ``--key``
(the hashes and the signature find any edit).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from tests.conftest import COUNTY

from kaohe.audit.verify import verify
from kaohe.cli import main
from kaohe.manifest import MANIFEST

Rows = list[dict[str, str]]
Edit = Callable[[Path], None]


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A signed county-2019 result with every format, beside its scheme, data and key."""
    root = tmp_path_factory.mktemp("signed")
    shutil.copy(COUNTY, root / COUNTY.name)
    shutil.copytree(COUNTY.with_suffix(""), root / COUNTY.stem)
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)  # the manifest records relative paths: copies are checked with root=
        assert runner.invoke(main, ["keygen", "key"]).exit_code == 0
        args = ["score", COUNTY.name, "--out", "out", "--format", "all", "--sign", "key"]
        result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def copy(original: Path, tmp_path: Path) -> Path:
    """A fresh copy of the signed result, its inputs and key: ``copy / "out"`` is the folder."""
    for item in original.iterdir():
        (shutil.copytree if item.is_dir() else shutil.copy)(item, tmp_path / item.name)
    return tmp_path


# -- edits ---------------------------------------------------------------------------------


def edit_csv(name: str, change: Callable[[Rows], None]) -> Edit:
    def edit(out: Path) -> None:
        path = out / name
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
        change(rows)
        text = io.StringIO()
        writer = csv.DictWriter(text, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text("\ufeff" + text.getvalue(), encoding="utf-8")

    return edit


def edit_parquet(name: str, change: Callable[[list[dict[str, object]]], None]) -> Edit:
    def edit(out: Path) -> None:
        table = pq.read_table(out / name)
        rows = table.to_pylist()
        change(rows)
        pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), out / name)

    return edit


#: The Parquet twins of the CSV files (``--format parquet``, part of ``all``).
PARQUET = tuple(f"{t}.parquet" for t in ("units", "cadres", "adjustments", "freezes", "findings"))


def both(*edits: Edit) -> Edit:
    def edit(out: Path) -> None:
        for one in edits:
            one(out)

    return edit


def first(rows: Rows, column: str, value: str) -> dict[str, str]:
    return next(r for r in rows if r[column] == value)


def plus(text: str, amount: float, decimals: int) -> str:
    return f"{float(text) + amount:.{decimals}f}"


def raise_unit(rows: Rows) -> None:  # composite and score up together: the sum still holds
    unit = first(rows, "unit_id", "XZ08")
    unit.update(composite=plus(unit["composite"], 2, 4), score=plus(unit["score"], 2, 2))


def edit_bytes(name: str, pattern: bytes, replacement: bytes) -> Edit:
    def edit(out: Path) -> None:
        path = out / name
        content, count = re.subn(pattern, replacement, path.read_bytes(), count=1)
        assert count == 1, pattern
        path.write_bytes(content)

    return edit


#: A page of report.pdf made Letter size; the PDF's dates; its producer gone.
PDF_PAGE = edit_bytes(
    "report.pdf", rb"/MediaBox \[0 0 [0-9.]+ [0-9.]+\]", b"/MediaBox [0 0 612 792]"
)
PDF_DATES = edit_bytes("report.pdf", rb"/CreationDate \(D:2019", b"/CreationDate (D:2020")
PDF_PRODUCER = edit_bytes("report.pdf", rb"/Producer \([^)]*\)", b"")


def edit_workbook(change: Callable[[object], None]) -> Edit:
    def edit(out: Path) -> None:
        book = load_workbook(out / "results.xlsx")
        change(book)
        book.save(out / "results.xlsx")

    return edit


def cell(sheet: str, ref: str, value: object) -> Callable[[object], None]:
    def change(book: object) -> None:
        book[sheet][ref].value = value  # type: ignore[index]

    return change


def delete_row(sheet: str, row: int) -> Callable[[object], None]:
    def change(book: object) -> None:
        book[sheet].delete_rows(row)  # type: ignore[index]

    return change


def edit_text(name: str, pattern: str, replacement: str) -> Edit:
    def edit(out: Path) -> None:
        text = (out / name).read_text(encoding="utf-8")
        changed, count = re.subn(pattern, replacement, text, count=1, flags=re.S)
        assert count == 1, pattern
        (out / name).write_text(changed, encoding="utf-8")

    return edit


def edit_manifest(change: Callable[[dict[str, object]], None]) -> Edit:
    def edit(out: Path) -> None:
        info = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        change(info)
        (out / MANIFEST).write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")

    return edit


def rehash(out: Path) -> None:
    """Write the hash of every output file as it now is into the manifest (a consistent forgery)."""

    def change(info: dict[str, object]) -> None:
        files = info["files"]
        assert isinstance(files, dict)
        for name in files:
            files[name] = hashlib.sha256((out / name).read_bytes()).hexdigest()

    edit_manifest(change)(out)


def forge_an_input(out: Path) -> None:
    """Edit an input table and write its new hash into the manifest (the issue's case)."""
    data = out.parent / COUNTY.stem / "supervision.csv"
    text = data.read_text(encoding="utf-8-sig")
    assert "SV004,2019-05-09,XZ02,一般," in text  # a finding of 2019: it is scored
    data.write_text(
        text.replace("SV004,2019-05-09,XZ02,一般,", "SV004,2019-05-09,XZ02,严重,"), "utf-8"
    )
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    edit_manifest(lambda info: info["tables"]["supervision"].update(sha256=digest))(out)  # type: ignore[index]


def drop_plugin(info: dict[str, object]) -> None:
    plugins = info["plugins"]
    assert isinstance(plugins, list)
    plugins.pop(0)


ONE_CELL: dict[str, Edit] = {
    "units.csv": edit_csv("units.csv", lambda r: first(r, "unit_id", "XZ08").update(grade="良好")),
    "cadres.csv": edit_csv(
        "cadres.csv", lambda r: first(r, "cadre_id", "BM02-03").update(name="王某")
    ),
    "adjustments.csv": edit_csv(
        "adjustments.csv", lambda r: first(r, "source_id", "IV001").update(source_id="IV009")
    ),
    "freezes.csv": edit_csv("freezes.csv", lambda r: r[0].update(reason="无")),
    "findings.csv": edit_csv("findings.csv", lambda r: r[0].update(findings="0")),
    **{
        name: edit_parquet(name, lambda r: r[0].update({next(iter(r[0])): "X0"}))
        for name in PARQUET
    },
    "results.xlsx": edit_workbook(cell("单位", "I2", 99.0)),
    "report.html": edit_text("report.html", r"58\.69", "68.69"),
    "report.pdf": PDF_PAGE,
    "manifest.json": edit_manifest(lambda info: info["tables"]["units"].update(rows=21)),  # type: ignore[index]
}
CONSISTENT: dict[str, Edit] = {
    "units.csv": edit_csv("units.csv", raise_unit),
    "cadres.csv": both(  # a shorter freeze, and frozen_until to match
        edit_csv("cadres.csv", lambda r: first(r, "cadre_id", "XZ06-10").update(frozen_until="")),
        edit_csv("freezes.csv", lambda r: first(r, "cadre_id", "XZ06-10").update(end="2019-12-01")),
    ),
    "adjustments.csv": both(  # a deduction gone, and the unit's totals to match
        edit_csv(
            "adjustments.csv",
            lambda r: r.remove(first(r, "source_id", "IV001")),
        ),
        edit_csv(
            "units.csv",
            lambda r: first(r, "unit_id", "XZ06").update(
                deductions=plus(first(r, "unit_id", "XZ06")["deductions"], -0.5, 4),
                score=plus(first(r, "unit_id", "XZ06")["score"], 0.5, 2),
            ),
        ),
    ),
    "freezes.csv": edit_csv(
        "freezes.csv", lambda r: r[0].update(source_id="SX999", reason="改过的原因")
    ),
    "findings.csv": edit_csv("findings.csv", lambda r: r[0].update(findings="0", points="0.0000")),
    **{
        name: edit_parquet(name, lambda r: r.append(dict(r[-1])))  # a row twice
        for name in PARQUET
    },
    "units.parquet": edit_parquet(
        "units.parquet",
        lambda r: r[0].update(composite=r[0]["composite"] + 2, score=r[0]["score"] + 2),  # type: ignore[operator]
    ),
    "results.xlsx": edit_workbook(
        lambda book: (cell("单位", "F2", 1.0)(book), cell("单位", "I2", 1.0)(book))
    ),
    "report.html": both(
        edit_text("report.html", r"58\.69", "68.69"), edit_text("report.html", "较差", "一般")
    ),
    "report.pdf": both(PDF_PAGE, PDF_DATES),
    "manifest.json": edit_manifest(
        lambda info: (
            info["tables"]["supervision"].update(rows=1),  # type: ignore[index]
            info["out_of_period"].update(supervision=0),  # type: ignore[attr-defined]
        )
    ),
}
DELETED_ROW: dict[str, Edit] = {
    **{
        name: edit_csv(name, lambda r: r.pop(0))
        for name in ("units.csv", "cadres.csv", "adjustments.csv", "freezes.csv", "findings.csv")
    },
    **{name: edit_parquet(name, lambda r: r.pop(0)) for name in PARQUET},
    "results.xlsx": edit_workbook(delete_row("加减分明细", 5)),
    "report.html": edit_text("report.html", r"<tr>.*?</tr>", ""),
    "report.pdf": PDF_PRODUCER,
    "manifest.json": edit_manifest(drop_plugin),
}
REHASHED: dict[str, Edit] = {
    **{name: both(edit, rehash) for name, edit in CONSISTENT.items() if name != MANIFEST},
    MANIFEST: forge_an_input,
}
KINDS = {
    "one cell": ONE_CELL,
    "consistent cells": CONSISTENT,
    "deleted row": DELETED_ROW,
    "rehashed manifest": REHASHED,
}
CASES = [
    pytest.param(name, kind, id=f"{name}-{kind}") for kind, edits in KINDS.items() for name in edits
]


def test_the_matrix_covers_every_output_file(original: Path) -> None:
    written = sorted(p.name for p in (original / "out").iterdir() if p.name != "manifest.sig")
    for edits in KINDS.values():
        assert sorted(edits) == written


def test_the_untouched_result_passes_both_ways(copy: Path) -> None:
    assert verify(copy / "out", root=copy, key=copy / "key.pub") == []
    shutil.rmtree(copy / COUNTY.stem)
    problems = verify(copy / "out", root=copy, key=copy / "key.pub")
    assert problems
    assert all(p.endswith(" is missing") for p in problems)


def named(problems: list[str], name: str) -> bool:
    return any(p.startswith(name) for p in problems)


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_with_the_inputs_scoring_again_finds_the_edit(copy: Path, name: str, kind: str) -> None:
    KINDS[kind][name](copy / "out")
    problems = verify(copy / "out", root=copy)
    assert problems, f"{kind} edit of {name} passed"
    if kind == "rehashed manifest" and name == MANIFEST:  # an input forged, and its hash
        assert not any("has changed since the run" in p for p in problems)
        assert named(problems, "units.csv row "), problems
    elif kind == "deleted row" and name == MANIFEST:  # a plugin left out of the list
        assert named(problems, "plugin accountability: installed"), problems
    else:
        assert named(problems, name), problems


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_with_the_key_the_hashes_and_signature_find_the_edit(
    copy: Path, name: str, kind: str
) -> None:
    KINDS[kind][name](copy / "out")
    shutil.rmtree(copy / COUNTY.stem)  # the inputs are gone: only hashes and signature are left
    problems = verify(copy / "out", root=copy, key=copy / "key.pub")
    edits = [p for p in problems if not p.endswith(" is missing")]
    assert edits, f"{kind} edit of {name} passed"
    if kind == "rehashed manifest" or name == MANIFEST:
        assert edits[0].startswith("manifest.json: does not match its signature"), edits
    else:
        assert named(edits, f"{name}: changed since the run"), edits


def printed_by_another_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine's Chromium as a later version: the same page, other bytes and producer."""
    import kaohe.report.pdf

    printed = kaohe.report.pdf.pdf_bytes

    def later(html: str, day: object) -> bytes:
        pdf = printed(html, day)  # type: ignore[arg-type]
        return re.sub(rb"/Producer \(Skia/PDF m[0-9]+\)", b"/Producer (Skia/PDF m999)", pdf)

    monkeypatch.setattr(kaohe.report.pdf, "pdf_bytes", later)


def test_a_pdf_another_browser_printed_is_sealed_by_the_signed_manifest(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed_by_another_browser(monkeypatch)
    monkeypatch.chdir(copy)
    result = CliRunner().invoke(main, ["verify", "out", "--key", "key.pub"])
    assert result.exit_code == 0, result.output
    assert "and this machine prints with Skia/PDF m999" in result.output
    assert "checked by its sha256 in the signed manifest" in result.output
    assert result.output.rstrip().endswith("; signed with the key given")


def test_a_pdf_another_browser_printed_is_not_confirmed_without_the_key(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed_by_another_browser(monkeypatch)
    monkeypatch.chdir(copy)
    result = CliRunner().invoke(main, ["verify", "out"])
    assert result.exit_code == 1
    assert re.search(
        r"report\.pdf: printed by Skia/PDF m[0-9]+, and this machine prints with Skia/PDF m999; "
        r"it cannot be printed again the same way to confirm it",
        result.output,
    )
    assert "1 problem" in result.output


def test_an_edited_pdf_is_found_whatever_the_browser(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed_by_another_browser(monkeypatch)
    PDF_PAGE(copy / "out")
    monkeypatch.chdir(copy)
    result = CliRunner().invoke(main, ["verify", "out", "--key", "key.pub"])
    assert result.exit_code == 1
    assert "report.pdf" in result.output
