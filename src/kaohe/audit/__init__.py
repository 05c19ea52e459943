"""Auditing results: explain one unit's or cadre's result, verify a result folder.

- :mod:`kaohe.audit.explain`: the derivation of one entity's result, in
  Chinese (``kaohe explain``), with each rule's section supplied by its
  plugin through :mod:`kaohe.audit.explaining`, and the records it cites
  (:mod:`kaohe.audit.records`);
- :mod:`kaohe.audit.verify`: is every file of a result folder what the run
  wrote, and what its recorded inputs give (``kaohe verify``)?
"""
