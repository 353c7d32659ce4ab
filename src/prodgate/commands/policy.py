"""``prodgate policy``: the effective policy, after ``extends: builtin`` is merged."""

from __future__ import annotations

import argparse
import json
import sys

from prodgate import exitcodes as ec
from prodgate.commands.common import error
from prodgate.policy.loader import PolicyError, load_policy


def run_policy(args: argparse.Namespace) -> int:
    try:
        policy = load_policy(args.policy, args.policy_sha256)
    except PolicyError as exc:
        return error(str(exc))
    from prodgate.policy.announce import announce

    announce(policy, detail=True)
    if getattr(args, "digest", False):
        # The value --policy-sha256 pins: the canonical digest of the policy's content.
        sys.stdout.write(f"sha256:{policy.source_sha256}\n")
        return ec.PASSED
    if args.format == "json":
        # JSON has no comments to carry the digests as the YAML output does: they sit
        # beside the policy, which stays intact under "policy".
        document = {
            "source": policy.source,
            "source_sha256": policy.source_sha256,
            "sha256": policy.sha256,
            "weaker": list(policy.weaker),
            "policy": policy.data,
        }
        json.dump(document, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
        return ec.PASSED
    import yaml

    sys.stdout.write(
        f"# source: {policy.source}\n# content sha256 (pin with --policy-sha256): {policy.source_sha256}\n"
        f"# effective policy sha256: {policy.sha256}\n"
    )
    yaml.safe_dump(policy.data, sys.stdout, sort_keys=False, allow_unicode=True, width=100)
    return ec.PASSED
