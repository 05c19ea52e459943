"""Tools of the repository: the builders of the reference schemes' example data.

``python -m tools.make_examples [NAME]`` and ``python -m tools.make_examples_more
--which dongli|bureau`` write the bundled example data of ``schemes/``
deterministically (byte for byte); a test checks that the bundled data is
what they write.
"""
