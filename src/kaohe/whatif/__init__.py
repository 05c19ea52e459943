"""What-if simulation: score many variants of a scheme at once and say what changes.

>>> from kaohe.whatif import Scenario, simulate, compare
>>> baseline = Scenario.baseline(scheme)
>>> raised = Scenario.from_overrides(scheme, {"satisfaction.weight.乡镇": 0.25})
>>> outcome = simulate([baseline, raised], data)
>>> compare(outcome, 1).grade_changes()

A sweep or Monte Carlo study summarised chunk by chunk (memory bounded),
optionally with every scenario's results as Parquet files and on a Dask
cluster (``client=``; ``pip install kaohe[dask]``):

>>> found = study(monte_carlo(scheme, draws, 10_000, seed=7), data, parts="parts").found
"""

from __future__ import annotations

from .analysis import Comparison, Decomposition, Distribution, compare, decompose, distribution
from .batch import Outcome, simulate
from .scenarios import Axis, Draw, Scenario, monte_carlo, parse_assignment, sweep
from .study import Study, study
from .tally import Tally

__all__ = [
    "Axis",
    "Comparison",
    "Decomposition",
    "Distribution",
    "Draw",
    "Outcome",
    "Scenario",
    "Study",
    "Tally",
    "compare",
    "decompose",
    "distribution",
    "monte_carlo",
    "parse_assignment",
    "simulate",
    "study",
    "sweep",
]
