"""The ``kaohe`` command line: one module per command, each a thin click layer over the library.

:mod:`kaohe.cli.app` holds the command group (``main``, the console
script), ``score``, ``validate`` and ``plugins``, and what every command
shares (options, the lazy loading of the other commands, error handling);
the other commands live in their own modules (:mod:`kaohe.cli.whatif`,
:mod:`kaohe.cli.explain`, :mod:`kaohe.cli.audit`, :mod:`kaohe.cli.ledger`,
:mod:`kaohe.cli.diff`, :mod:`kaohe.cli.appeal`, :mod:`kaohe.cli.template`,
:mod:`kaohe.cli.serve`) and are imported only when they run. Every command
calls the library API (:mod:`kaohe.api`, :mod:`kaohe.publish`, ...); none
computes a result itself.
"""

from __future__ import annotations

from .app import main

__all__ = ["main"]
