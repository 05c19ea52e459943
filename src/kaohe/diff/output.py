"""A diff as people read it: lines for the terminal, and diff.csv, diff.xlsx, diff.html."""

from __future__ import annotations

import csv
import html
import io
from typing import TYPE_CHECKING

from ..i18n import _, ngettext
from .model import (
    COLUMNS,
    Diff,
)

if TYPE_CHECKING:
    pass


def text(diff: Diff) -> list[str]:
    """The diff for the terminal, in the reader's language (Chinese unless told)."""
    lines = [_("compared {first} → {second}").format(first=diff.first, second=diff.second)]
    lines += [_("note: {note}").format(note=note) for note in diff.notes]
    lines.append(
        _("changes of inputs and settings:") if diff.causes else _("inputs and settings: unchanged")
    )
    for cause in diff.causes:
        lines.append(f"  {cause.label}")
        if cause.unscored:
            lines.append(f"    ({cause.unscored})")
    if not diff.changes:
        lines.append(_("results: unchanged"))
        return lines
    count = len(diff.changes)
    lines.append(ngettext("{n} result changed:", "{n} results changed:", count).format(n=count))
    for row in diff.rows(_):
        entity, entity_id, name, field, before, after, reason = row
        line = _("{entity} {id} {name}: {field} {before} → {after}  because: {reason}").format(
            entity=entity, id=entity_id, name=name, field=field, before=before, after=after,
            reason=reason,
        )  # fmt: skip
        lines.append(f"  {line}")
    return lines


def files(diff: Diff) -> dict[str, bytes]:
    """diff.csv (UTF-8 with BOM, for Excel), diff.xlsx and diff.html."""
    from openpyxl import Workbook

    rows = diff.rows()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "结果变化"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(list(row))
    causes = book.create_sheet("变化原因")
    causes.append(["输入与设置的变化", "单独重算"])
    for cause in diff.causes:
        causes.append([cause.label, cause.unscored or _("scored alone")])
    workbook = io.BytesIO()
    book.save(workbook)
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    listed = (
        "".join(
            f"<li>{html.escape(c.label)}"
            + (f"<br><small>{html.escape(c.unscored)}</small>" if c.unscored else "")
            + "</li>"
            for c in diff.causes
        )
        or "<li>无</li>"
    )
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>结果比较</title>'
        "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:2px 6px}</style></head><body>"
        f"<h1>结果比较</h1><p>{html.escape(str(diff.first))} → {html.escape(str(diff.second))}</p>"
        + "".join(f"<p><small>{html.escape(note)}</small></p>" for note in diff.notes)
        + f"<h2>输入与设置的变化</h2><ul>{listed}</ul><h2>结果变化</h2><table><tr>"
        + "".join(f"<th>{c}</th>" for c in COLUMNS)
        + f"</tr>{cells}</table></body></html>\n"
    )
    return {
        "diff.csv": ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        "diff.xlsx": workbook.getvalue(),
        "diff.html": page.encode("utf-8"),
    }
