"""Input data: readers for CSV folders, ``.xlsx`` workbooks and in-memory columns.

>>> from kaohe.data import load, Dataset
>>> ds = load("data")                        # a folder of <table>.csv, or book.xlsx
>>> ds.tables["supervision"]["date"]         # datetime64[D], canonical row order

The contract (tables, columns, types, aliases) is :mod:`kaohe.tables`;
:class:`Dataset` and :class:`Table` document the columnar form.
"""

from __future__ import annotations

from kaohe.data.dataset import Dataset, Table
from kaohe.data.load import load

__all__ = ["Dataset", "Table", "load"]
