"""``report.pdf``: report.html printed to A4 by a headless Chromium, through Playwright.

The page's own print rules (``@page``: A4, margins, page numbers, the
issuing office) lay out the PDF, so the PDF is exactly what printing
report.html from a browser gives. Playwright drives the Chromium of the
machine (Debian's ``chromium`` package, or the one ``KAOHE_CHROMIUM``
names): nothing is downloaded, and the page, self-contained, loads nothing
from the network (every request but the page's own is refused).

The PDF's creation and modification dates are those of the scheme's
``as_of`` (written in place, the same length), so that the same results
printed by the same browser give the same bytes.

A report too large to print at once (a province's thousands of
考核结果通知书: Chromium's print fails on tens of thousands of pages, and
lays out a long table in a time growing faster than its rows) is printed
in parts (:mod:`kaohe.report.parts`) by one browser: each part's pages
counted first (its first page only printed, its count shown), then each
printed with its pages numbered across the whole document (its first
page's ``counter(page)`` set, ``counter(pages)`` the known total), and the
parts joined by PDFium into one report.pdf, which carries the first part's
document information (dates as above) and a file identifier made of its
content: the same bytes for the same results. Any part failing is the
error of the whole, and nothing is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import mmap
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

from ..errors import OutputError
from ..i18n import _
from .parts import Report

#: Where a browser is looked for, in this order, after ``KAOHE_CHROMIUM``.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = "apt-get install chromium fonts-noto-cjk (Debian, Ubuntu)"
_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")
#: A report longer than this many characters is printed in parts: its summary in parts
#: of at most this many, its notices :data:`NOTICES_PER_PART` a part. (Chromium fails
#: to print a report of tens of thousands of pages, and lays out a long table in a time
#: growing faster than its rows.)
PART_SIZE = 500_000
NOTICES_PER_PART = 300


def chromium() -> str:
    """The Chromium to print with: ``KAOHE_CHROMIUM``, else the first of :data:`BROWSERS`."""
    named = os.environ.get("KAOHE_CHROMIUM")
    if named:
        if not Path(named).is_file():
            raise OutputError(_("KAOHE_CHROMIUM={named}: no such browser").format(named=named))
        return named
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise OutputError(
        _(
            "report.pdf is printed by a Chromium browser and none was found; install one "
            "({install}) or name it in KAOHE_CHROMIUM"
        ).format(install=INSTALL)
    )


def _stamp(pdf: bytes, day: dt.date) -> bytes:
    """``pdf`` with its creation and modification dates set to ``day`` (same byte length)."""

    def fixed(match: re.Match[bytes]) -> bytes:
        old = match.group(0)
        new = f"/{match.group(1).decode()} (D:{day:%Y%m%d}000000".encode()
        body = old[len(new) : -1]
        # keep the length (the cross-reference table counts bytes): pad with zeros
        padded = new + b"0" * max(0, len(body) - len(body.lstrip(b"0123456789")))
        padded += body[len(padded) - len(new) :]
        return padded + b")" if len(padded) + 1 == len(old) else old

    return _DATES.sub(fixed, pdf)


class _Printer:
    """One browser tab printing one page after another (what :func:`_browser` gives):
    opened at the first, each page's content replacing the last's (a tab opened per
    part cost about 0.3 s)."""

    def __init__(self, browser: Any, path: str) -> None:
        self.browser = browser
        self.path = path
        self.tab: Any = None

    def print(self, html: str, **options: Any) -> bytes:
        """``html`` printed to PDF (A4 and margins from its ``@page`` rules)."""
        if self.tab is None:
            self.tab = self.browser.new_page()
            self.tab.route("**/*", lambda route: route.abort())
        self.tab.set_content(html, wait_until="load")
        self.tab.evaluate("document.fonts.ready.then(() => true)")
        pdf: bytes = self.tab.pdf(prefer_css_page_size=True, print_background=True, **options)
        return pdf

    def count(self, html: str, first: int) -> int:
        """The number of pages ``html`` prints on, numbered from ``first``: laid out
        whole, only its first page printed, blank but for its number and the count
        (margin boxes do not move the page's content); that number checked, so that a
        browser not numbering as :func:`numbered` asks is an error, not wrong numbers."""
        import pypdfium2 as pdfium

        counting = numbered(html, first, None).replace("</style>", _COUNTING + "</style>", 1)
        document = pdfium.PdfDocument(self.print(counting, page_ranges="1"))
        try:
            text = document[0].get_textpage().get_text_range()
        finally:
            document.close()
        shown = text.split()
        if len(shown) != 2 or not all(n.isdigit() for n in shown) or int(shown[0]) != first:
            self.fail(
                _("its first page should show {first} and its page count, not {text}").format(
                    first=first, text=text[:80]
                )
            )
        return int(shown[1])

    def fail(self, reason: str) -> NoReturn:
        raise OutputError(
            _("report.pdf: the browser {browser} failed ({reason})").format(
                browser=self.path, reason=reason
            )
        ) from None


#: What a part's page shows while its pages are counted: its number and their count.
_COUNTING = (
    "body { visibility: hidden } @page { @top-right { content: none } "
    '@bottom-center { content: counter(page) " " counter(pages) } }'
)


@contextlib.contextmanager
def _browser() -> Iterator[_Printer]:
    """The machine's Chromium, launched once, as a :class:`_Printer`; Playwright's
    errors as :class:`OutputError`."""
    browser_path = chromium()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise OutputError(
            _("report.pdf needs Playwright to drive the browser: pip install 'kaohe[pdf]'")
        ) from None
    # Chromium refuses to run as root inside its sandbox; the page is our own and offline
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    printer = _Printer(None, browser_path)
    try:
        with sync_playwright() as playwright:
            printer.browser = playwright.chromium.launch(executable_path=browser_path, args=args)
            try:
                yield printer
            finally:
                printer.browser.close()
    except Error as error:
        printer.fail(str(error))


def numbered(html: str, first: int, total: int | None) -> str:
    """``html`` (one part of a document of ``total`` pages) with its pages numbered from
    ``first`` (its first page's ``counter(page)``; the pages after it count on from
    there) and ``counter(pages)`` of its style sheet ``total`` (kept if None)."""
    end = html.index("</style>")
    style = html[:end]
    if total is not None:
        style = style.replace("counter(pages)", f'"{total}"')
    if first != 1:
        # Chromium's page counter: an increment on the first page replaces its own 1
        style += f"@page :first {{ counter-increment: page {first} }}"
    return style + html[end:]


_ID = re.compile(rb"/ID ?\[<([0-9A-Fa-f]+)> ?<([0-9A-Fa-f]+)>\]")


def _fixed_id(pdf: memoryview) -> bytes:
    """``pdf`` with the file identifier PDFium made up on saving (random) replaced by
    one made of the rest of the file (the same length), so that the same parts give
    the same bytes; copied once."""
    found = _ID.search(pdf)
    if found is None:
        return bytes(pdf)
    digest = hashlib.sha256(pdf[: found.start()])
    digest.update(pdf[found.end() :])
    made = digest.hexdigest().upper().encode()
    pieces: list[Any] = [pdf[: found.start(1)]]
    for group, following in ((1, found.start(2)), (2, found.end())):
        width = found.end(group) - found.start(group)
        pieces += [(made * (1 + width // len(made)))[:width], pdf[found.end(group) : following]]
    return b"".join([*pieces, pdf[found.end() :]])


def pdf_bytes(html: str, day: dt.date) -> bytes:
    """``html`` printed to PDF (A4 and margins from its ``@page`` rules), dated ``day``."""
    with _browser() as printer:
        pdf = printer.print(html)
    return _stamp(pdf, day)


def report_pdf(report: Report, day: dt.date, html: str | None = None) -> bytes:
    """``report`` printed to PDF, dated ``day`` (``html``: its page, if already made).

    A report of at most :data:`PART_SIZE` characters is printed in one pass, as
    :func:`pdf_bytes` prints it; a larger one in parts (:mod:`kaohe.report.parts`),
    by one browser, merged into one document whose pages are numbered across it.
    """
    if report.size() <= PART_SIZE:
        return pdf_bytes(report.html() if html is None else html, day)
    chromium()  # no browser: the same error as a report printed at once, first
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise OutputError(
            _(
                "report.pdf of a report this large is printed in parts, which pypdfium2 "
                "joins: pip install 'kaohe[pdf]'"
            )
        ) from None
    parts = report.parts(PART_SIZE, NOTICES_PER_PART)
    with _browser() as printer:
        # first pass: each part's number of pages (laid out whole, only its first page
        # printed, showing the count); then each printed, numbered across the document
        firsts, counts = [1], []
        for part in parts:
            counts.append(printer.count(report.document(part), firsts[-1]))
            firsts.append(firsts[-1] + counts[-1])
        total = firsts.pop() - 1
        merged: Any = None
        for part, first, count in zip(parts, firsts, counts, strict=True):
            pdf = printer.print(numbered(report.document(part), first, total))
            if merged is None:
                # the first part's document information (producer, dates) is the merged one's
                pdf = _stamp(pdf, day)
            printed = pdfium.PdfDocument(pdf)
            if len(printed) != count:
                printer.fail(
                    _("{printed} pages printed, {counted} counted").format(
                        printed=len(printed), counted=count
                    )
                )
            if merged is None:
                merged = printed
                continue
            merged.import_pages(printed)
            printed.close()
    # saved to a file and read from its map: the document's bytes made once in memory
    with tempfile.TemporaryFile() as out:
        merged.save(out)
        merged.close()
        out.flush()
        with mmap.mmap(out.fileno(), 0, access=mmap.ACCESS_READ) as saved:
            return _fixed_id(memoryview(saved))
