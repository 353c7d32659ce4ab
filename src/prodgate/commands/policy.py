"""``prodgate policy``: the effective policy, after ``extends: builtin`` is merged."""

from __future__ import annotations

import argparse
import json
import sys

from prodgate import exitcodes as ec
from prodgate.commands.common import error
from prodgate.policy.loader import PolicyError, load_policy


def run_policy(args: argparse.Namespace) -> int:
    if getattr(args, "policy_command", None) == "diff":
        return run_diff(args)
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


def run_diff(args: argparse.Namespace) -> int:
    """``prodgate policy diff OLD NEW``: every difference of the two effective policies
    that makes NEW stricter or weaker, from the same comparison as the weaker-policy
    warnings. Differences are the answer, not a failure: exit 0."""
    from prodgate.policy.weaker import differences

    try:
        old = load_policy(args.old, args.old_sha256)
        new = load_policy(args.new, args.new_sha256)
    except PolicyError as exc:
        return error(str(exc))
    found = differences(old.data, new.data)
    if args.diff_format == "json":
        document = {
            "old": {"source": old.source, "source_sha256": old.source_sha256},
            "new": {"source": new.source, "source_sha256": new.source_sha256},
            "differences": [{"direction": d.direction, "change": d.text} for d in found],
        }
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return ec.PASSED
    sys.stdout.write(f"--- {old.source} (sha256:{old.source_sha256})\n+++ {new.source} (sha256:{new.source_sha256})\n")
    for d in found:
        sys.stdout.write(f"{d.direction:8}  {d.text}\n")
    weaker = sum(1 for d in found if d.direction == "weaker")
    sys.stdout.write(
        f"{len(found)} difference(s): {len(found) - weaker} stricter, {weaker} weaker\n" if found
        else "no difference that makes the new policy stricter or weaker\n"
    )
    return ec.PASSED
