"""The inventory of one repository: every declared asset, what it uses, how it stands.

Built from the gate's own :class:`~prodgate.report.Report` (so the inventory and the
gate never disagree about an asset), rendered by the writers in ``FORMATS``.
"""
