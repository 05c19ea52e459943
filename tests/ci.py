"""Whether the tests run in CI, where nothing they need may be skipped."""

from __future__ import annotations

import os

#: tox 4 does not pass CI into its environments but keeps it under this name
IN_CI = any(
    os.environ.get(name, "").lower() not in ("", "0", "false")
    for name in ("CI", "__TOX_ENVIRONMENT_VARIABLE_ORIGINAL_CI")
)
