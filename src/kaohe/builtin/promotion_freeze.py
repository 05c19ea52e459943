"""R16 promotion freeze (影响期): ``frozen_until`` at ``as_of``.

Windows come from other rules (R8, R9, R10, R11) as
:class:`~kaohe.blocks.Freezes` blocks. ``frozen_until`` is the latest end
among the windows running at ``as_of`` (``start <= as_of < end``);
indefinite beats any date; ``NaT`` when none is running.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..context import StepContext
from ..dates import NAT
from ..hookspecs import hookimpl
from ..rule import Rule, Step


def compute(ctx: StepContext) -> Mapping[str, Any]:
    """The latest end of a running window per cadre."""
    windows = ctx.get("freezes")
    until = np.full(ctx.n_cadres, NAT)
    if windows:
        cadre = np.concatenate([w.cadre for w in windows])
        start = np.concatenate([w.start for w in windows])
        end = np.concatenate([w.end for w in windows])
        running = (start <= ctx.as_of) & (ctx.as_of < end)
        days = np.full(ctx.n_cadres, np.iinfo(np.int64).min)
        np.maximum.at(days, cadre[running], end[running].astype(np.int64))
        until = np.where(days == np.iinfo(np.int64).min, NAT, days.astype("datetime64[D]"))
    return {"cadre.frozen_until": until}


RULE = Rule(
    name="promotion_freeze",
    title="影响期(不得提拔)",
    reference="R16",
    steps=(Step("frozen_until", compute, uses={"freezes"}, writes={"cadre.frozen_until"}),),
    doc=__doc__ or "",
)


@hookimpl
def kaohe_register_rules() -> list[Rule]:
    """R16."""
    return [RULE]
