"""The ``kaohe`` command line: one module per command, each a thin click layer over the library.

:mod:`kaohe.cli.app` holds the command group (``main``), ``score``,
``validate`` and ``plugins``, and what every command shares (options, the
lazy loading of the other commands, error handling); the other commands live
in their own modules (:mod:`kaohe.cli.whatif`, :mod:`kaohe.cli.explain`,
:mod:`kaohe.cli.audit`, :mod:`kaohe.cli.ledger`, :mod:`kaohe.cli.diff`,
:mod:`kaohe.cli.appeal`, :mod:`kaohe.cli.template`, :mod:`kaohe.cli.serve`)
and are imported only when they run. Every command calls the library API
(:mod:`kaohe.api`, :mod:`kaohe.publish`, ...); none computes a result
itself. :func:`run` is the console script.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

    from .app import main

__all__ = ["main", "run"]


def run() -> None:
    """The ``kaohe`` console script (and ``python -m kaohe``): :data:`main`, imported by
    :func:`imported_main`."""
    imported_main()()


def imported_main() -> click.Group:
    """:data:`main`, imported with the cyclic garbage collector kept out of the way.

    Importing kaohe, click and numpy makes some hundred thousand objects that
    live as long as the process; the collector would walk them about seventy
    times while they are made (12-18 ms of a W1 run). It is paused while they
    are imported, then they are frozen out of its sight (:func:`gc.freeze`)
    and it runs as usual for everything the command makes.
    """
    gc.disable()
    try:
        from .app import main
    finally:
        gc.freeze()
        gc.enable()
    return main


def __getattr__(name: str) -> Any:
    """:data:`main`, the click group, imported on first use."""
    if name == "main":
        from .app import main

        return main
    raise AttributeError(f"module 'kaohe.cli' has no attribute {name!r}")
