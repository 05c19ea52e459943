"""Plugins register input tables (``kaohe_register_tables``); bad registrations are named."""

from __future__ import annotations

from typing import Any

import pytest

import kaohe
from kaohe import sdk
from kaohe.plugins import Registry, get_plugin_manager

PETITIONS = sdk.ledger(
    "petitions",
    ("信访件", "信訪件"),
    sdk.ID,
    sdk.DATE,
    sdk.required("unit_id", "id", *sdk.UNIT_ID),
    sdk.NOTE,
)


class Tables:
    """A plugin object registering ``tables``."""

    KAOHE_API = "1.1"

    def __init__(self, tables: Any) -> None:
        self.tables = tables

    @kaohe.hookimpl
    def kaohe_register_tables(self) -> Any:
        return self.tables


def registry_with(tables: Any) -> Registry:
    return Registry.from_plugin_manager(get_plugin_manager(plugins=[Tables(tables)]))


def test_a_registered_table_is_read_and_checked_like_the_cores() -> None:
    registry = registry_with([PETITIONS])
    assert registry.tables["petitions"] is PETITIONS
    assert registry.table_owners["petitions"] == "Tables"
    assert registry.table_owners["units"] == "kaohe"
    columns = {
        "units": {"unit_id": ["u1"], "name": ["甲"], "category": ["乡镇"]},
        "cadres": {"cadre_id": [], "name": [], "unit_id": [], "role": []},
        "targets": {"unit_id": ["u1"], "indicator": ["目标"], "score": [80.0]},
        "信访件": {
            "编号": ["P1", "P2"],
            "日期": ["2019-03-01", "2019-02-01"],
            "单位编码": ["u1"] * 2,
        },
    }
    columns["petitions"] = columns.pop("信访件")
    data = kaohe.Dataset.from_columns(columns, contract=registry.tables)
    assert data.tables["petitions"]["id"].tolist() == ["P1", "P2"]
    assert data.tables["petitions"]["unit"].tolist() == [0, 0]
    columns["petitions"]["单位编码"] = ["u1", "u9"]
    with pytest.raises(kaohe.DataError, match="unknown unit_id 'u9'"):
        kaohe.Dataset.from_columns(columns, contract=registry.tables)


def test_a_table_name_taken_is_refused() -> None:
    taken = sdk.ledger("supervision", ("督查",), sdk.ID, sdk.DATE)
    with pytest.raises(kaohe.PluginError) as caught:
        registry_with([taken])
    assert str(caught.value) == (
        "plugin Tables (kaohe_register_tables): registers table 'supervision', but the name "
        "'supervision' is table 'supervision' of kaohe already; choose another name"
    )
    chinese = sdk.ledger("petitions", ("督查问题",), sdk.ID, sdk.DATE)
    with pytest.raises(kaohe.PluginError, match="the name '督查问题' is table 'supervision'"):
        registry_with([chinese])


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ("petitions", "returned str, expected a list of kaohe.sdk.TableSpec"),
        (["petitions"], "registered str, expected kaohe.sdk.TableSpec"),
    ],
)
def test_a_bad_registration_is_named(tables: Any, message: str) -> None:
    with pytest.raises(kaohe.PluginError, match=message):
        registry_with(tables)


def test_a_slot_that_is_not_a_slot_is_refused() -> None:
    rule = kaohe.Rule(name="x", title="x", reference="X1", steps=(), slots=("unit.mine",))

    class Rules:
        KAOHE_API = "1.1"

        @kaohe.hookimpl
        def kaohe_register_rules(self) -> list[kaohe.Rule]:
            return [rule]

    with pytest.raises(kaohe.PluginError, match=r"declares 'unit\.mine' as a slot, expected"):
        Registry.from_plugin_manager(get_plugin_manager(plugins=[Rules()]))
