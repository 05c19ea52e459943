"""Fuzzing the scheme loader and ``kaohe verify`` with hostile input (hypothesis, bounded).

Every example ends in "a KaoheError with a clear message, or the correct
result; never another exception". The schemes are the county scheme with
one value replaced by a hostile one (huge or non-finite numbers, deep
nesting, wrong types, odd text), hostile TOML written from scratch, and
random text; a scheme that loads is also scored. The result folders are a
real result with its manifest or one of its files damaged; ``verify`` must
list problems (a damaged folder never passes) and never raise.

These run in CI in a few seconds; ``tests/fuzz/atheris_targets.py`` runs
the same targets for hours with coverage guidance (see its docstring).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.bridge import registry
from tests.conftest import COUNTY

import kaohe
from kaohe import KaoheError, SchemeError
from kaohe.audit.verify import audit
from kaohe.cli import main

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

#: Examples per test: few in CI; ``KAOHE_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py`` for more.
EXAMPLES = int(os.environ.get("KAOHE_FUZZ_EXAMPLES", "40"))
FAST = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: A message longer than this is not a clear one.
LONGEST_MESSAGE = 3000

# -- TOML ----------------------------------------------------------------------------------

SCALARS = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.integers(min_value=-5, max_value=200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-320, 1e308, 100.0, 100.00001, -1.0]),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["=cmd|' /C calc'!A0", "../../escape", "/abs", "县", "乡镇", "", " "]),
    st.dates(min_value=dt.date(1, 1, 1)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def toml_value(value: Any) -> str:
    """``value`` as a TOML value (inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    assert isinstance(value, dict)
    items = (
        f"{json.dumps(str(k), ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items()
    )
    return "{ " + ", ".join(items) + " }"


def toml_document(document: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(key, ensure_ascii=False)} = {toml_value(value)}\n"
                   for key, value in document.items())  # fmt: skip


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path into nested dicts and lists."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """``document`` with the value at ``path`` replaced (``DELETE``: removed)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        copy = dict(document)
        if rest or value is not DELETE:
            copy[head] = replaced(document[head], rest, value)
        else:
            del copy[head]
        return copy
    copy_list = list(document)
    if rest or value is not DELETE:
        copy_list[head] = replaced(document[head], rest, value)
    else:
        del copy_list[head]
    return copy_list


DELETE = object()
COUNTY_DOCUMENT = tomllib.loads(COUNTY.read_text(encoding="utf-8"))
COUNTY_PATHS = [path for path in paths(COUNTY_DOCUMENT) if path]


@st.composite
def hostile_schemes(draw: st.DrawFn) -> str:
    """TOML text: the county scheme with one value made hostile, or nonsense from scratch."""
    kind = draw(st.sampled_from(["mutate", "mutate", "mutate", "deep", "document", "text"]))
    if kind == "mutate":
        path = draw(st.sampled_from(COUNTY_PATHS))
        value = draw(st.one_of(VALUES, st.just(DELETE)))
        return toml_document(replaced(COUNTY_DOCUMENT, path, value))
    if kind == "deep":
        path = draw(st.sampled_from(COUNTY_PATHS))
        depth = draw(st.integers(min_value=5, max_value=3000))
        nested = "[" * depth + "1" + "]" * depth
        text = toml_document(replaced(COUNTY_DOCUMENT, path, "NESTED"))
        return text.replace('"NESTED"', nested, 1)
    if kind == "document":
        return toml_document(draw(st.dictionaries(st.text(max_size=8), VALUES, max_size=4)))
    return draw(st.text(max_size=200))


def check_error(error: KaoheError, source: Path) -> None:
    message = str(error)
    assert message
    assert len(message) < LONGEST_MESSAGE, message[:200]
    if isinstance(error, SchemeError):
        assert str(source) in message


@pytest.fixture(scope="module")
def county_data(county_scheme: kaohe.Scheme) -> kaohe.Dataset:
    return kaohe.load_data(COUNTY.with_suffix(""), county_scheme)


@FAST
@given(text=hostile_schemes())
def test_a_hostile_scheme_is_refused_clearly_or_scores(
    text: str, county_data: kaohe.Dataset
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scheme.toml"
        path.write_text(text, encoding="utf-8")
        try:
            scheme = kaohe.load_scheme(path, registry())
            kaohe.evaluate(scheme, county_data)
        except KaoheError as error:
            check_error(error, path)


@FAST
@given(raw=st.binary(max_size=300))
def test_hostile_bytes_as_a_scheme_are_refused_clearly(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scheme.toml"
        path.write_bytes(raw)
        with pytest.raises(KaoheError) as error:
            kaohe.load_scheme(path, registry())
        check_error(error.value, path)


# -- result folders ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A county result (every format) written with relative paths: ``root/out``."""
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("fuzz")
    shutil.copy(COUNTY, root / COUNTY.name)
    shutil.copytree(COUNTY.with_suffix(""), root / COUNTY.stem)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = CliRunner().invoke(main, ["score", COUNTY.name, "--out", "out", "--format", "all"])
    assert result.exit_code == 0, result.output
    return root


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def copy_of(scored: Path, inputs: bool) -> tuple[tempfile.TemporaryDirectory[str], Path]:
    holder = tempfile.TemporaryDirectory()
    root = Path(holder.name)
    shutil.copytree(scored / "out", root / "out")
    if inputs:
        shutil.copy(scored / COUNTY.name, root / COUNTY.name)
        shutil.copytree(scored / COUNTY.stem, root / COUNTY.stem)
    return holder, root


@st.composite
def manifest_edits(draw: st.DrawFn, original: Any) -> bytes:
    kind = draw(st.sampled_from(["value", "value", "value", "json", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "json":
        return json.dumps(draw(JSON)).encode()
    path = draw(st.sampled_from([p for p in paths(original) if p]))
    value = draw(st.one_of(JSON, st.just(DELETE)))
    return json.dumps(replaced(original, path, value), ensure_ascii=False).encode()


def check_audit(root: Path, changed: bool) -> None:
    found = audit(root / "out", root=root)
    assert all(isinstance(p, str) and p and len(p) < LONGEST_MESSAGE for p in found.problems)
    if changed:
        assert found.problems


@FAST
@given(data=st.data())
def test_a_damaged_manifest_never_passes_and_never_raises(
    scored: Path, data: st.DataObject
) -> None:
    original = json.loads((scored / "out" / "manifest.json").read_text(encoding="utf-8"))
    edited = data.draw(manifest_edits(original))
    inputs = data.draw(st.sampled_from([False, False, False, True]))
    holder, root = copy_of(scored, inputs)
    with holder:
        (root / "out" / "manifest.json").write_bytes(edited)
        try:
            same = json.loads(edited) == original
        except ValueError:
            same = False
        check_audit(root, changed=not same)


@st.composite
def damaged_files(draw: st.DrawFn, scored: Path) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(p.name for p in (scored / "out").iterdir())))
    content = (scored / "out" / name).read_bytes()
    at = draw(st.integers(min_value=0, max_value=len(content)))
    kind = draw(st.sampled_from(["insert", "delete", "truncate", "line"]))
    if kind == "insert":
        return name, content[:at] + draw(st.binary(min_size=1, max_size=20)) + content[at:]
    if kind == "delete":
        return name, content[:at] + content[at + draw(st.integers(1, 200)) :]
    if kind == "truncate":
        return name, content[:at]
    lines = content.split(b"\n")
    index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    lines[index] = draw(st.text(max_size=40)).encode("utf-8")
    return name, b"\n".join(lines)


@FAST
@given(data=st.data())
def test_a_damaged_result_file_never_passes_and_never_raises(
    scored: Path, data: st.DataObject
) -> None:
    name, content = data.draw(damaged_files(scored))
    inputs = data.draw(st.sampled_from([False, False, True]))
    holder, root = copy_of(scored, inputs)
    with holder:
        (root / "out" / name).write_bytes(content)
        original = (scored / "out" / name).read_bytes()
        check_audit(root, changed=content != original)
