"""Whether an installed plugin's message catalog is complete, with nothing but the package.

A plugin's messages (``kaohe.sdk.Messages``, ``docs/translations.md``) live
in ``<package>/locale/<language>/LC_MESSAGES/<domain>.po`` and its compiled
``.mo``, both shipped as package data. :func:`catalog_problems` compares
them with the messages the package's source marks (calls of ``_``,
``N_``, ``gettext`` and ``ngettext``, read with :mod:`ast`, as Babel's
extractor finds them), so that a plugin's tests check its catalog wherever
the plugin is installed, Babel or not (``kaohe.testing.assert_catalog_complete``).
"""

from __future__ import annotations

import ast
import gettext
import importlib.util
import re
import string
from collections.abc import Iterator
from pathlib import Path

from .i18n import CHINESE

#: The names a message is marked with (each takes the message first; ngettext two).
MARKERS = {"_": 1, "N_": 1, "gettext": 1, "ngettext": 2}

Message = tuple[str, ...]


def package_dir(package: str) -> Path:
    """The folder of the installed (or importable) package ``package``."""
    spec = importlib.util.find_spec(package)
    places = list(spec.submodule_search_locations or ()) if spec is not None else []
    if not places:
        raise ValueError(f"{package!r} is not an importable package")
    return Path(places[0])


def marked_messages(folder: Path) -> set[Message]:
    """Every message the Python source under ``folder`` marks (a plural as its two forms)."""
    found: set[Message] = set()
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            count = MARKERS.get(name, 0)
            texts = [
                arg.value
                for arg in node.args[:count]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value
            ]
            if count and len(texts) == count:
                found.add(tuple(texts))
    return found


def _unquote(text: str) -> str:
    return str(ast.literal_eval(text))


def read_po(path: Path) -> Iterator[tuple[Message, tuple[str, ...], bool]]:
    """``(message, translations, fuzzy)`` of every entry of a .po file but its header.

    Enough of the format for catalogs written by Babel: comments, flags,
    ``msgid``, ``msgid_plural``, ``msgstr`` and ``msgstr[n]``, strings over
    several lines. Obsolete entries (``#~``) are left out.
    """
    entries: list[dict[str, list[str]]] = []
    fuzzy: list[bool] = []
    current: dict[str, list[str]] | None = None
    key = ""
    flagged = False
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#,"):
            flagged = "fuzzy" in line
            continue
        if not line or line.startswith("#"):
            continue
        match = re.match(r"(msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if match:
            key = match.group(1)
            if key == "msgid":
                current = {}
                entries.append(current)
                fuzzy.append(flagged)
                flagged = False
            assert current is not None, f"{path}: {line!r} before any msgid"
            current[key] = [_unquote(match.group(2))]
        elif line.startswith('"') and current is not None:
            current[key].append(_unquote(line))
    for entry, is_fuzzy in zip(entries, fuzzy, strict=True):
        text = {name: "".join(parts) for name, parts in entry.items()}
        if not text["msgid"]:
            continue
        if "msgid_plural" in text:
            message: Message = (text["msgid"], text["msgid_plural"])
            strings = tuple(text[name] for name in sorted(text) if name.startswith("msgstr["))
        else:
            message, strings = (text["msgid"],), (text.get("msgstr", ""),)
        yield message, strings, is_fuzzy


def fields(text: str) -> set[str]:
    """The named placeholders of a message: ``{name}`` (any format) and ``%(name)s``."""
    braces = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return braces | set(re.findall(r"%\((\w+)\)", text))


def catalog_problems(package: str, domain: str | None = None, language: str = CHINESE) -> list[str]:
    """What is wrong with ``package``'s catalog of ``language``; empty when it is complete.

    The catalog must hold exactly the messages the source marks, each
    translated (not fuzzy) with the same named placeholders, and its
    ``.mo`` must be the ``.po`` compiled. A package that marks no message
    may have no catalog.
    """
    folder = package_dir(package)
    domain = domain or package
    po = folder / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
    mo = po.with_suffix(".mo")
    in_source = marked_messages(folder)
    missing = [str(path) for path in (po, mo) if not path.is_file()]
    if missing:
        # a plugin that marks no message needs no catalog
        return [f"no catalog: {', '.join(missing)}"] if in_source or len(missing) == 1 else []
    problems: list[str] = []
    entries = list(read_po(po))
    in_catalog = {message for message, _strings, _fuzzy in entries}
    problems += [f"not in the catalog: {m!r}" for m in sorted(in_source - in_catalog)]
    problems += [f"no longer in the source: {m!r}" for m in sorted(in_catalog - in_source)]
    with mo.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    for message, strings, is_fuzzy in entries:
        if is_fuzzy or not all(strings):
            problems.append(f"not translated: {message[0]!r}")
            continue
        wanted = set().union(*map(fields, message))
        for text in strings:
            if not fields(text) <= wanted or (len(message) == 1 and fields(text) != wanted):
                problems.append(f"placeholders differ: {message[0]!r} -> {text!r}")
        shown = (
            compiled.gettext(message[0])
            if len(message) == 1
            else compiled.ngettext(message[0], message[1], 1)
        )
        if shown != strings[0]:
            problems.append(f"{mo.name} is not {po.name} compiled: {message[0]!r}")
    return problems


__all__ = ["catalog_problems", "fields", "marked_messages", "package_dir", "read_po"]
