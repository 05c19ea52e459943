"""Messages in the reader's language: Chinese first, English on request.

The English text in the source is the message id; its Chinese lives in the
gettext catalog ``locale/zh_CN/LC_MESSAGES/kaohe.po``, compiled to the
``kaohe.mo`` shipped beside it (``docs/translations.md`` says how both are
kept in step with the source; a test fails when they are not).

>>> from kaohe.i18n import _
>>> raise DataError(source, _("{column} must be a date").format(column=name))

Messages are translated when they are made, never at import time:
constants are marked with :func:`N_` and translated where they are shown.
Placeholders are named (``{file}``), so that a translation may reorder them.

The language is Chinese unless :func:`use` chose English or, before any
choice, the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG``
that is set starts with ``en`` (:func:`language_from_env`). ``kaohe
--lang en`` chooses English for one command.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "kaohe"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
CHINESE, ENGLISH = "zh_CN", "en"
#: What ``--lang`` accepts, and the language each stands for.
LANGUAGES = {"zh": CHINESE, "zh_CN": CHINESE, "zh-CN": CHINESE, "en": ENGLISH}
#: The environment variables that name the language, in gettext's order of precedence.
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current: list[_gettext.NullTranslations] = []
_chosen: list[str] = []


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """English if the first language variable that is set starts with ``en``; else Chinese."""
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT:
        value = environ.get(name, "")
        if value:
            return ENGLISH if value.split(":")[0].lower().startswith("en") else CHINESE
    return CHINESE


def use(language: str | None) -> str:
    """Show messages in ``language`` (a key of :data:`LANGUAGES`; None: from the environment).

    Returns the language chosen (:data:`CHINESE` or :data:`ENGLISH`).
    """
    chosen = language_from_env() if language is None else LANGUAGES.get(language)
    if chosen is None:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    translations: _gettext.NullTranslations = (
        _gettext.NullTranslations()
        if chosen == ENGLISH
        else _gettext.translation(DOMAIN, LOCALE_DIR, languages=[chosen], fallback=True)
    )
    _current[:] = [translations]
    _chosen[:] = [chosen]
    return chosen


def language() -> str:
    """The language messages are shown in now."""
    if not _chosen:
        use(None)
    return _chosen[0]


def _translations() -> _gettext.NullTranslations:
    if not _current:
        use(None)
    return _current[0]


def gettext(message: str) -> str:
    """``message`` in the current language (an empty message stays empty: gettext
    would give the catalog's header)."""
    return _translations().gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` (as ``n`` asks) in the current language."""
    return _translations().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it now (translate where shown)."""
    return message


_ = gettext


def translate_click() -> None:
    """Show click's own messages (``Usage:``, ``Error:``, ...) in the current language.

    Click marks its messages with the standard library's ``gettext`` and
    ``ngettext``, bound by name in each of its modules; kaohe's catalog
    holds their translations (:mod:`kaohe.cli.messages`), so the kaohe
    command points those names at this module. Only the ``kaohe`` command
    calls this; a module click no longer has is left alone.
    """
    import importlib

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui"):
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a later click without it
            continue
        if getattr(module, "_", None) is not None:
            module._ = gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is not None:
            module.ngettext = ngettext  # type: ignore[attr-defined]


__all__ = [
    "CHINESE",
    "ENGLISH",
    "LANGUAGES",
    "N_",
    "_",
    "gettext",
    "language",
    "language_from_env",
    "ngettext",
    "translate_click",
    "use",
]
