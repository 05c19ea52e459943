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
import importlib.util
import os
from collections.abc import Callable, Mapping
from pathlib import Path

import attrs

from .values import Value

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


_fixed: dict[str, _gettext.NullTranslations] = {}


def translator(language: str) -> Callable[[str], str]:
    """gettext of ``language`` (a key of :data:`LANGUAGES`), whatever the current language:
    for the texts written in one language on purpose (:func:`chinese`)."""
    chosen = LANGUAGES[language]
    if chosen not in _fixed:
        _fixed[chosen] = (
            _gettext.NullTranslations()
            if chosen == ENGLISH
            else _gettext.translation(DOMAIN, LOCALE_DIR, languages=[chosen], fallback=True)
        )
    translations = _fixed[chosen]
    return lambda message: translations.gettext(message) if message else message


def chinese(message: str) -> str:
    """``message`` in Chinese whatever the current language: the documents for the people
    assessed and their offices (the explanation, the files of ``kaohe diff``)."""
    return translator(CHINESE)(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it now (translate where shown)."""
    return message


_ = gettext


#: The plugins' catalogs read so far, by (package, domain, language).
_plugin_catalogs: dict[tuple[str, str, str], _gettext.NullTranslations] = {}


@attrs.frozen(repr=False, eq=False)
class Messages(Value):
    """A plugin's messages in kaohe's current language, from the plugin's own catalog.

    ``Messages(__name__)`` in a plugin's package reads
    ``<package>/locale/<language>/LC_MESSAGES/<domain>.mo`` (the domain is
    the top-level package's name unless told), shipped as package data
    beside the code; it follows whatever language kaohe has chosen
    (:func:`use`, ``--lang``, the environment). A message the catalog lacks,
    and every message in English, is its English id. Call it like ``_``::

        _ = Messages(__name__)
        raise DataError(table.source, _("score {score} is negative").format(score=s))

    Constants (parameter descriptions) are marked with :func:`N_` and
    translated where shown: a :class:`~kaohe.rule.Rule` made with
    ``messages=_`` translates them through this catalog
    (:meth:`~kaohe.rule.Rule.text`).
    """

    module: str
    domain: str = attrs.field()

    @domain.default
    def _package_name(self) -> str:
        return self.package

    @property
    def package(self) -> str:
        """The top-level package that holds the catalogs."""
        return self.module.partition(".")[0]

    def locale_dir(self) -> Path:
        """The package's ``locale`` folder (it may not exist)."""
        spec = importlib.util.find_spec(self.package)
        places = list(spec.submodule_search_locations or ()) if spec is not None else []
        return Path(places[0]) / "locale" if places else Path(self.package) / "locale"

    def translations(self) -> _gettext.NullTranslations:
        """The catalog of kaohe's current language (none for English)."""
        chosen = language()
        key = (self.package, self.domain, chosen)
        if key not in _plugin_catalogs:  # kept outside: a rule and its messages are pickled
            _plugin_catalogs[key] = (
                _gettext.NullTranslations()
                if chosen == ENGLISH
                else _gettext.translation(
                    self.domain, self.locale_dir(), languages=[chosen], fallback=True
                )
            )
        return _plugin_catalogs[key]

    def gettext(self, message: str) -> str:
        """``message`` in the current language (an empty message stays empty)."""
        return self.translations().gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """``singular`` or ``plural`` (as ``n`` asks) in the current language."""
        return self.translations().ngettext(singular, plural, n)

    def __call__(self, message: str) -> str:
        return self.gettext(message)


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
    "Messages",
    "_",
    "chinese",
    "gettext",
    "language",
    "language_from_env",
    "ngettext",
    "translate_click",
    "translator",
    "use",
]
