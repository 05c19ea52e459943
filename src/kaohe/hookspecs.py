"""Every hook a kaohe plugin can implement.

A plugin is a module (or object) with functions decorated by
``kaohe.hookimpl`` whose names are hooks below. Installed plugins are found
through the entry-point group ``kaohe``; installing one does not activate
its rules: a scheme enables a rule by having a table of the rule's name.

Hooks are called by :func:`kaohe.plugins.get_plugin_manager` users, never
at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .data import Dataset
    from .results import Results
    from .rule import Rule
    from .scheme import Scheme
    from .table_spec import TableSpec

PROJECT = "kaohe"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- registration ---------------------------------------------------------


@hookspec
def kaohe_register_rules() -> Sequence[Rule]:
    """Return the rules this plugin provides.

    Called once when a :class:`~kaohe.plugins.Registry` is built from the
    plugin manager, before any scheme is read. Each :class:`~kaohe.rule.Rule`
    names the scheme table that enables it, declares its parameters with
    their reference values, and the steps that compute it. Rule names must
    be unique across all installed plugins.

    :return: a sequence of :class:`~kaohe.rule.Rule` (may be empty).
    """


@hookspec
def kaohe_register_tables() -> Sequence[TableSpec]:
    """Return the input tables this plugin brings.

    Called once when a :class:`~kaohe.plugins.Registry` is built. Each
    :class:`~kaohe.table_spec.TableSpec` names the table (and its Chinese
    names, simplified and traditional, accepted as file, sheet and database
    table names), its columns with their kinds, header aliases and
    vocabularies. Loading, validation, the data contract document and every
    reader then know the table as they know the core's; a rule's step reads
    it as ``table.<name>``. Table names (and their Chinese names) must be
    unique across the core and all installed plugins.

    :return: a sequence of :class:`~kaohe.table_spec.TableSpec` (may be empty).
    """


# -- evaluation -----------------------------------------------------------


@hookspec
def kaohe_check_inputs(scheme: Scheme, data: Dataset) -> Sequence[str]:
    """Return warnings about inputs that are valid but probably not meant.

    Called by ``kaohe validate`` and ``kaohe score`` after the scheme and the
    data are read and checked, before scoring (an unknown 问题类别, for
    example). Raising :class:`~kaohe.errors.KaoheError` refuses the inputs.

    :param scheme: the checked scheme.
    :param data: the checked dataset.
    :return: human-readable warnings (may be empty).
    """


@hookspec
def kaohe_result_files(results: Results) -> Mapping[str, bytes]:
    """Return extra files for the result folder of ``kaohe score``: file name -> content.

    Called once per run, after scoring, when the result files are made
    (again by ``kaohe verify``, which compares them too). Names are plain
    file names (no folders) that are not kaohe's own files; every file is
    listed with its sha256 in ``manifest.json``. A plugin should give files
    only for schemes that enable its rules.

    :param results: the frozen results of the run.
    :return: a mapping of file names to bytes (may be empty).
    """


@hookspec
def kaohe_run_finished(results: Results) -> None:
    """Called once after a run has scored and before anything is written.

    Lets a plugin look at (never change: results are frozen) the outcome,
    e.g. to log it or to raise :class:`~kaohe.errors.KaoheError` and stop
    the results from being written.

    :param results: the frozen results of the run.
    """
