"""Exit codes, shared by the CLI, the action and the hooks.

They are a contract with CI systems: a broken declaration is a gate failure (1),
while a broken policy or bad arguments are configuration errors (2), so a pipeline can
tell "the change is not ready" from "the gate itself is misconfigured".
"""

from __future__ import annotations

PASSED = 0
FAILED = 1
USAGE = 2
INTERNAL = 3
