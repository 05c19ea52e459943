"""``python -m kaohe``: the ``kaohe`` command, for environments without its console script."""

from kaohe.cli import run

run()
