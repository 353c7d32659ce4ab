"""``prodgate init``: scaffold a declaration and the artifact stubs its tier needs.

The stubs are the policy's templates for what the merge gate requires at the asset's
tier and stage, so ``prodgate check`` straight after ``init`` fails with one "still the
template" finding per stub: the scaffold shows the team exactly what to write, and
nothing it is not yet asked for. What only the deploy gate needs is named, not
scaffolded. Existing files are never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from prodgate import exitcodes as ec
from prodgate.commands.common import error
from prodgate.hygiene import clean
from prodgate.manifest.schema import schema_url

if TYPE_CHECKING:
    from prodgate.policy.loader import EffectivePolicy

_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_OWNER = re.compile(r"^\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>\s*$")


def _git_owner(directory: Path) -> tuple[str, str] | None:
    """The committer's name and email from git config, as the default owner."""
    values = []
    for key in ("user.name", "user.email"):
        try:
            proc = subprocess.run(
                ["git", "config", key], cwd=directory, capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if proc.returncode != 0 or not proc.stdout.strip():
            return None
        values.append(proc.stdout.strip())
    return values[0], values[1]


def run_init(args: argparse.Namespace) -> int:
    from prodgate.policy.announce import announce
    from prodgate.policy.loader import PolicyError, load_policy

    if args.name is None or args.tier is None:
        missing = " and ".join(f"--{k}" for k in ("name", "tier") if getattr(args, k) is None)
        return error(f"{missing} required for a new asset (for an existing one: prodgate init --add-missing DIR)")
    if not _NAME.match(args.name):
        return error(f"--name {args.name!r}: use lowercase letters, digits and dashes, e.g. support-reply-drafter")
    directory = Path(args.directory)
    target = directory / "ai-asset.yaml"
    for existing in (target, directory / "ai-asset.yml"):
        if existing.exists():
            return error(
                f"{existing} already exists; prodgate init never overwrites a file "
                f"(`prodgate init --add-missing {directory}` adds the stubs the asset lacks)"
            )
    if args.owner:
        m = _OWNER.match(args.owner)
        if not m:
            return error(f'--owner {args.owner!r}: expected "Name <email@example.com>"')
        owner: tuple[str, str] | None = (m["name"], m["email"])
    else:
        owner = _git_owner(directory if directory.is_dir() else Path.cwd())
    from prodgate.commands import init_evals

    evals = init_evals.parse(args.eval)
    if isinstance(evals, str):
        return error(evals)
    try:
        policy = load_policy(args.policy, args.policy_sha256)
    except PolicyError as exc:
        return error(str(exc))
    announce(policy)

    kinds = _required_kinds(args, policy.policy, "merge")
    later = [k for k in _required_kinds(args, policy.policy, "deploy") if k not in kinds]
    artifacts = {kind: f"docs/{kind.replace('_', '-')}.md" for kind in kinds}
    # Every template is read before anything is written: all the stubs or none.
    bodies = stub_bodies(policy, kinds)
    if isinstance(bodies, str):
        return error(bodies)
    text = _declaration(args, owner, artifacts)
    text += init_evals.declaration(evals, policy.policy.evals.minimum_thresholds.get(args.tier, {}), args.tier)
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    out = sys.stdout
    out.write(clean(f"created {target}") + "\n")
    created = 0
    for kind, rel in artifacts.items():
        path = directory / rel
        if path.exists():
            out.write(clean(f"kept    {path} (exists)") + "\n")
            continue
        created += 1
        body = bodies[kind]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_render(body, args.name, owner), encoding="utf-8")
        out.write(clean(f"created {path}") + "\n")
    for line in init_evals.notes(evals, directory):
        out.write(clean(line) + "\n")
    hint = init_evals.missing(policy.policy, args.tier, args.stage, evals)
    if hint:
        out.write(clean(hint) + "\n")
    if later:
        # Not scaffolded: a stub nothing checks yet would only be warned about as unfilled.
        named = ", ".join(
            f"{policy.policy.artifacts[k].title if k in policy.policy.artifacts else k} (`{k}`)" for k in later
        )
        out.write(clean(f"later: the deploy gate also requires {named}; add it under `artifacts:` before the first release") + "\n")
    if owner is None:
        out.write("note: no owner given and none in git config; fill in `owner:` in ai-asset.yaml\n")
    out.write(clean(f"next: {_next_step(created, len(artifacts), args)}, then run `prodgate check {directory}`") + "\n")
    return ec.PASSED


def stub_bodies(policy: EffectivePolicy, kinds: Iterable[str]) -> dict[str, str] | str:
    """The template text of each artifact kind (the policy's own template, else the
    built-in one, else a title and ``<fill in>``), or the first reason one cannot be read."""
    from prodgate.policy.bundle import TemplateProblem, read

    out: dict[str, str] = {}
    for kind in kinds:
        spec = policy.policy.artifacts[kind]
        if spec.template is None:
            out[kind] = f"# {spec.title}\n\n<fill in>\n"
            continue
        text = read(policy.folder, spec.template, policy.base_url)
        if isinstance(text, TemplateProblem):
            return f"{policy.source}: artifacts.{kind}: {text.message}; nothing was written"
        out[kind] = text
    return out


def _next_step(created: int, required: int, args: argparse.Namespace) -> str:
    """What to do before the first check, true to what was written."""
    if created:
        return "fill in the stub" if created == 1 else "fill in the stubs"
    if required:
        return "make sure the existing documents kept above say what the policy asks"
    return f"fill in ai-asset.yaml (the merge gate asks for no document at tier {args.tier}, stage {args.stage})"


def _required_kinds(args: argparse.Namespace, policy: object, gate: str) -> list[str]:
    """Artifact kinds the policy requires for this tier and stage at ``gate``."""
    from prodgate.policy.model import Policy

    assert isinstance(policy, Policy)
    return list(dict.fromkeys(
        req.artifact for req in policy.requirements.values() if req.artifact and req.applies(args.tier, args.stage, gate)
    ))


def _render(template: str, name: str, owner: tuple[str, str] | None) -> str:
    text = template.replace("{{ asset_name }}", name)
    return text.replace("{{ owner }}", f"{owner[0]} <{owner[1]}>" if owner else "<fill in>")


def _declaration(args: argparse.Namespace, owner: tuple[str, str] | None, artifacts: dict[str, str]) -> str:
    lines = [
        f"# yaml-language-server: $schema={schema_url()}",
        "apiVersion: prodgate/v1",
        f"name: {args.name}",
        "# description: what this system does, and for whom",
        f"{'tier: ' + args.tier:<34}# team | departmental | enterprise",
        f"{'stage: ' + args.stage:<34}# sandbox | pilot | production | retired",
    ]
    if owner:
        lines += ["owner:", f"  name: {owner[0]}", f"  email: {owner[1]}"]
    else:
        lines += ["# owner:", "#   name: <name>", "#   email: <email>"]
    lines += [
        "risk:",
        "  customer_facing: false",
        "  regulated: false",
        "  autonomy: human-in-the-loop   # human-in-the-loop | human-on-the-loop | autonomous",
        "  decisions_about_people: false",
        "models: []                      # - { provider: openai, name: gpt-4o-mini, version: \"2024-07-18\" }",
        "data_sources: []                # - { name: tickets, classification: confidential, personal_data: true }",
    ]
    if artifacts:
        lines.append("artifacts:")
        lines += [f"  {kind}: {rel}" for kind, rel in artifacts.items()]
    lines.append(f"# review: {{ last_reviewed: {dt.date.today().isoformat()} }}  # once reviewed")
    return "\n".join(lines) + "\n"
