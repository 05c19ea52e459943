"""The headless browser of the tests: Debian's chromium driven by Playwright, never downloaded.

Tests that need it are skipped outside CI when the machine has no
chromium or no Playwright; in CI (``CI`` set, as tox passes it) they must
run, and fail saying what to install.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "apt-get install -y chromium fonts-noto-cjk; pip install playwright"
#: tox 4 does not pass CI into its environments but keeps it under this name
IN_CI = any(
    os.environ.get(name, "").lower() not in ("", "0", "false")
    for name in ("CI", "__TOX_ENVIRONMENT_VARIABLE_ORIGINAL_CI")
)


def _playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


AVAILABLE = CHROMIUM.exists() and _playwright()
needs_browser = pytest.mark.skipif(
    not AVAILABLE and not IN_CI, reason=f"no browser (outside CI only; CI installs it: {INSTALL})"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``) for the module's tests."""
    if not AVAILABLE:
        pytest.fail(f"{CHROMIUM} or Playwright is missing; in CI these tests must run: {INSTALL}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            yield launched
        finally:
            launched.close()
