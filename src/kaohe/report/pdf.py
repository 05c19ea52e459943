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
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

from ..errors import OutputError
from ..i18n import _

#: Where a browser is looked for, in this order, after ``KAOHE_CHROMIUM``.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = "apt-get install chromium fonts-noto-cjk (Debian, Ubuntu)"
_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")


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


def pdf_bytes(html: str, day: dt.date) -> bytes:
    """``html`` printed to PDF (A4 and margins from its ``@page`` rules), dated ``day``."""
    browser_path = chromium()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise OutputError(
            _("report.pdf needs Playwright to drive the browser: pip install 'kaohe[pdf]'")
        ) from None
    # Chromium refuses to run as root inside its sandbox; the page is our own and offline
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=browser_path, args=args)
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort())
                page.set_content(html, wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                pdf = page.pdf(prefer_css_page_size=True, print_background=True)
            finally:
                browser.close()
    except Error as error:
        raise OutputError(
            _("report.pdf: the browser {browser} failed ({reason})").format(
                browser=browser_path, reason=error
            )
        ) from None
    return _stamp(pdf, day)
