"""``prodgate explain``: what a rule checks, why, and how to fix it."""

from __future__ import annotations

import argparse
import difflib
import sys

from prodgate import exitcodes as ec
from prodgate.hygiene import message
from prodgate.rules.registry import RULES, lookup


def run_explain(args: argparse.Namespace) -> int:
    out = sys.stdout
    if args.markdown:
        from prodgate.rules.doc import rules_markdown

        out.write(rules_markdown())
        return ec.PASSED
    if not args.rule:
        for rule in RULES.values():
            out.write(f"{rule.id}  {rule.severity.value:<7}  {rule.name:<30} {rule.title}\n")
        return ec.PASSED
    found = lookup(args.rule)
    if found is None:
        names = list(RULES) + [r.name for r in RULES.values()]
        hint = difflib.get_close_matches(args.rule.upper(), names, n=1) or difflib.get_close_matches(
            args.rule.lower(), names, n=1
        )
        extra = f"; did you mean {hint[0]}?" if hint else "; `prodgate explain` lists them"
        sys.stderr.write(f"prodgate: error: {message(f'no rule {args.rule!r}{extra}')}\n")
        return ec.USAGE
    rule = found
    out.write(f"{rule.id} {rule.name}: {rule.title}\n")
    out.write(f"  default severity: {rule.default_text}\n  area: {rule.area}\n\n")
    out.write(f"{rule.help}\n")
    if rule.references:
        out.write(f"\nReferences: {'; '.join(rule.references)}\n")
    return ec.PASSED
