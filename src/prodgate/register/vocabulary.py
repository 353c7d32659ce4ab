"""The register's words for a declaration's tier and stage (and an agent's effects), in
the gate's order.

The precise reader (:mod:`.documents`), the typed shapes (:mod:`._shape`), the views and
the charts all check or lay out by them; they live here, below all of those, so that
none of them imports another for a constant. They are the gate's
(:data:`prodgate.manifest.model.TIERS`, ``STAGES``; a test keeps the two equal), kept
apart so that the register's start-up does not build the gate's records.
"""

from __future__ import annotations

TIERS = ("team", "departmental", "enterprise")
STAGES = ("sandbox", "pilot", "production", "retired")
EFFECTS = ("read", "write", "execute", "communicate", "payment")
"""An agent's tool effects, weakest first (:data:`prodgate.manifest.model.EFFECTS`)."""
