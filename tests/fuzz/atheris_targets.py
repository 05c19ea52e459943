"""Long, coverage-guided fuzzing of the scheme loader and ``kaohe verify`` (atheris), nightly.

``tests/test_fuzz.py`` runs hypothesis versions of these targets in CI for
a few seconds; this script runs them for as long as you like under
atheris (libFuzzer for Python), which mutates its inputs towards code not
yet reached. It is not run in CI.

Set up (atheris has wheels for Linux x86-64 and the CPython versions of
its release; elsewhere it builds with clang)::

    python3 -m pip install atheris

Run one target from the project's root folder, with a corpus folder that
atheris fills with the inputs that reached new code (seeds are written
into an empty one)::

    python -m tests.fuzz.atheris_targets scheme -max_total_time=3600 fuzz-corpus/scheme
    python -m tests.fuzz.atheris_targets manifest -max_total_time=3600 fuzz-corpus/manifest
    python -m tests.fuzz.atheris_targets result-file -max_total_time=3600 fuzz-corpus/result

The targets, and what they require of every input:

- ``scheme``: the bytes as a scheme file. ``kaohe.load_scheme`` refuses it
  with a :class:`~kaohe.KaoheError`, or the scheme loads and scores the
  county example data (or refuses it with a KaoheError).
- ``manifest``: the bytes as ``manifest.json`` of a real county result
  (inputs at hand). ``kaohe verify`` lists problems (unless the bytes are
  the real manifest) and raises nothing.
- ``result-file``: the first byte picks one of the result's files, the
  rest replaces it. The same requirement.

Any other exception, or a damaged folder that passes, is a crash: atheris
stops, prints the traceback and saves the input as ``crash-<hash>``.
Replay one without atheris::

    python -m tests.fuzz.atheris_targets scheme --replay crash-<hash>
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNTY = ROOT / "schemes" / "county-2019.toml"


class Targets:
    """The fuzz targets, with what they share made once: the plugins, the data, a scored result."""

    def __init__(self) -> None:
        from click.testing import CliRunner

        import kaohe
        from kaohe.cli import main

        self.registry = kaohe.Registry.from_plugin_manager()
        self.scheme = kaohe.load_scheme(COUNTY, self.registry)
        self.data = kaohe.load_data(COUNTY.with_suffix(""), self.scheme)
        self.work = Path(tempfile.mkdtemp(prefix="kaohe-fuzz-"))
        shutil.copy(COUNTY, self.work / COUNTY.name)
        shutil.copytree(COUNTY.with_suffix(""), self.work / COUNTY.stem)
        here = Path.cwd()
        try:
            os.chdir(self.work)
            args = ["score", COUNTY.name, "--out", "result", "--format", "all"]
            result = CliRunner().invoke(main, args)
        finally:
            os.chdir(here)
        assert result.exit_code == 0, result.output
        self.result = self.work / "result"
        self.files = sorted(path.name for path in self.result.iterdir())
        self.original = {name: (self.result / name).read_bytes() for name in self.files}

    def seeds(self, target: str) -> list[bytes]:
        """Inputs to start an empty corpus with."""
        if target == "scheme":
            return [COUNTY.read_bytes()]
        if target == "manifest":
            return [self.original["manifest.json"]]
        return [bytes([i]) + self.original[name] for i, name in enumerate(self.files)]

    def scheme_target(self, data: bytes) -> None:
        import kaohe

        path = self.work / "fuzzed.toml"
        path.write_bytes(data)
        try:
            scheme = kaohe.load_scheme(path, self.registry)
            kaohe.evaluate(scheme, self.data)
        except kaohe.KaoheError as error:
            if not str(error):
                raise AssertionError("an error without a message") from error

    def _audit(self, name: str, content: bytes) -> None:
        from kaohe.audit.verify import audit

        (self.result / name).write_bytes(content)
        try:
            found = audit(self.result, root=self.work, registry=self.registry)
        finally:
            (self.result / name).write_bytes(self.original[name])
        if content != self.original[name]:
            assert found.problems, f"a damaged {name} passed"

    def manifest_target(self, data: bytes) -> None:
        self._audit("manifest.json", data)

    def result_file_target(self, data: bytes) -> None:
        if data:
            self._audit(self.files[data[0] % len(self.files)], data[1:])


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in ("scheme", "manifest", "result-file"):
        raise SystemExit(__doc__)
    name = argv[1]
    targets = Targets()
    run: Callable[[bytes], None] = {
        "scheme": targets.scheme_target,
        "manifest": targets.manifest_target,
        "result-file": targets.result_file_target,
    }[name]
    if len(argv) > 3 and argv[2] == "--replay":
        run(Path(argv[3]).read_bytes())
        print("no crash")
        return
    corpus = next((Path(arg) for arg in argv[2:] if not arg.startswith("-")), None)
    if corpus is not None:
        corpus.mkdir(parents=True, exist_ok=True)
        if not any(corpus.iterdir()):
            for index, seed in enumerate(targets.seeds(name)):
                (corpus / f"seed-{index}").write_bytes(seed)
    import atheris

    atheris.instrument_all()  # coverage of every module loaded, kaohe's and the plugins'
    atheris.Setup([argv[0], *argv[2:]], run)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
