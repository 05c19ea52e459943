"""The independent pure-Python reference implementation the engine is tested against.

:mod:`tests.reference.purepython` scores a scheme document with plain
Python loops over dict rows, written straight from the handbook's rules and
sharing no code with kaohe; the differential and property tests compare the
engine with it value for value, and the benchmarks time it as the
straightforward baseline.
"""
