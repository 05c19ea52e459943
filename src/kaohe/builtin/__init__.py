"""The kernel's own rules, registered as plugins exactly like third-party ones.

``unit_score`` (the unit score F) runs in every scheme; ``unit_grading``
(R13), ``cadre_score`` (R14), ``cadre_grading`` (R15) and
``promotion_freeze`` (R16) are enabled by their scheme tables.
"""
