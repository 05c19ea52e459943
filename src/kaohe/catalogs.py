"""Whether an installed plugin's message catalog is complete, with nothing but the package.

A plugin's messages (``kaohe.sdk.Messages``, ``docs/translations.md``) live
in ``<package>/locale/<language>/LC_MESSAGES/<domain>.po`` and its compiled
``.mo``, both shipped as package data. :func:`catalog_problems` compares
them with the messages the package's source marks (calls of ``_``,
``N_``, ``gettext`` and ``ngettext``), so that a plugin's tests check its catalog wherever
the plugin is installed (``kaohe.testing.assert_catalog_complete``). Babel,
imported only here, extracts the messages and reads the ``.po``; a plugin's
test dependencies name it.
"""

from __future__ import annotations

import gettext
import importlib.util
import re
import string
from collections.abc import Iterator
from pathlib import Path

from .i18n import CHINESE

#: The names a message is marked with, as Babel's extractor takes them (the message first;
#: ngettext's two forms).
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
}

Message = tuple[str, ...]


def package_dir(package: str) -> Path:
    """The folder of the installed (or importable) package ``package``."""
    spec = importlib.util.find_spec(package)
    places = list(spec.submodule_search_locations or ()) if spec is not None else []
    if not places:
        raise ValueError(f"{package!r} is not an importable package")
    return Path(places[0])


def marked_messages(folder: Path) -> set[Message]:
    """Every message the Python source under ``folder`` marks (a plural as its two forms),
    found by Babel's extractor."""
    from babel.messages.extract import extract_from_dir

    found = extract_from_dir(str(folder), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {
        (message,) if isinstance(message, str) else tuple(message)
        for _file, _line, message, _comments, _context in found
    }


def read_po(path: Path) -> Iterator[tuple[Message, tuple[str, ...], bool]]:
    """``(message, translations, fuzzy)`` of every entry of a .po file but its header and its
    obsolete entries, read by Babel."""
    from babel.messages.pofile import read_po as babel_read_po

    with path.open("rb") as file:
        catalog = babel_read_po(file)
    for entry in catalog:
        if not entry.id:
            continue
        message = (entry.id,) if isinstance(entry.id, str) else tuple(entry.id)
        strings = (entry.string,) if isinstance(entry.string, str) else tuple(entry.string or ())
        yield message, strings, entry.fuzzy


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
