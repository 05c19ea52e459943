"""How the human-facing files name the input tables a row came from."""

from __future__ import annotations

import numpy as np

import kaohe
from kaohe.report.labels import display, table_labels


def test_tables_are_named_in_chinese_plugins_tables_by_their_first_chinese_name(
    county_scheme: kaohe.Scheme, county_data: kaohe.Dataset
) -> None:
    results = kaohe.evaluate(county_scheme, county_data)
    labels = table_labels(results)
    assert labels["supervision"] == "督查督办"  # the reference tables: what was done
    assert labels["sanctions"] == "问责处分"
    assert labels["hotline"] == "工单"  # a bureau's plugin table: its first Chinese name
    shown = display(results, "source_table", np.asarray(["hotline", "vetoes", "other"]))
    assert shown.tolist() == ["工单", "一票否决", "other"]
    reasons = display(results, "grade_reason", np.asarray(["一票否决 (hotline RX1)"]))
    assert reasons.tolist() == ["一票否决 (工单 RX1)"]
