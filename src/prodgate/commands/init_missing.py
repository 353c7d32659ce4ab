"""``prodgate init --add-missing [DIR]``: add the stubs an existing asset still lacks.

The fixes of PG201, PG202 and PG403 point here: for every artifact the policy requires
of the asset in DIR (at the merge or the deploy gate, risk facts included, so a privacy
review when a data source holds personal data), a declared file that does not exist is
written from the template, and a kind not declared at all gets a stub under ``docs/``
and a line under ``artifacts:``. No existing file is ever overwritten; the declaration
only gains lines, and when its ``artifacts:`` is written in a form that cannot be
extended line by line (a flow mapping), the lines to add are printed instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from prodgate import exitcodes as ec
from prodgate.commands.common import error
from prodgate.hygiene import clean


def run_add_missing(args: argparse.Namespace) -> int:
    from prodgate.commands.init import stub_bodies
    from prodgate.context import build_context
    from prodgate.fsutil import FileProblem, resolve_inside
    from prodgate.manifest.discover import DECLARATION_NAMES
    from prodgate.manifest.loader import load_declaration
    from prodgate.policy.announce import announce
    from prodgate.policy.loader import PolicyError, load_policy
    from prodgate.policy.model import heading_specs
    from prodgate.repo import find_root

    directory = Path(args.directory)
    found = [directory / n for n in DECLARATION_NAMES if (directory / n).is_file()]
    if not found:
        return error(
            f"{directory}: no ai-asset.yaml here; create one with "
            f"`prodgate init --name NAME --tier TIER {directory}`"
        )
    path = found[0].absolute()
    root = (find_root(path.parent) or path.parent).resolve()
    loaded = load_declaration(path, root)
    if isinstance(loaded, list):
        return error(f"{found[0]} does not load ({loaded[0].rule_id} {loaded[0].message}); run `prodgate validate {found[0]}`")
    try:
        policy = load_policy(args.policy, args.policy_sha256)
    except PolicyError as exc:
        return error(str(exc))
    announce(policy)
    kinds: dict[str, None] = {}
    headings: dict[str, list[str]] = {}  # a risk requirement's sections, which the template may lack
    for gate in ("merge", "deploy"):
        ctx = build_context(loaded, policy.policy, gate, dt.date.today(), root)
        for demand in ctx.demands:
            if demand.artifact:
                kinds.setdefault(demand.artifact)
                if demand.from_risk:
                    wanted = headings.setdefault(demand.artifact, [])
                    wanted += [s.heading for s in heading_specs(list(demand.headings)) if s.heading not in wanted]
    out = sys.stdout
    owner = loaded.asset.owner
    # Decide every file first and read every template it needs, then write: a template
    # that cannot be read stops the run before the first stub (all or none).
    plan: list[tuple[str, str, Path | None]] = []  # kind, what to say, or the stub to write
    to_declare: dict[str, str] = {}
    for kind in kinds:
        declared = loaded.asset.artifacts.get(kind)
        rel = declared if declared is not None else f"docs/{kind.replace('_', '-')}.md"
        target = resolve_inside(root, loaded.root.resolve(), rel)
        if isinstance(target, FileProblem):
            plan.append((kind, f"skipped {kind}: {rel}: {target.message}", None))
            continue
        if declared is None:
            to_declare[kind] = rel
        if target.exists():
            plan.append((kind, f"kept    {_shown(target)} (exists)", None))
        else:
            plan.append((kind, f"created {_shown(target)}", target))
    bodies = stub_bodies(policy, [kind for kind, _line, stub in plan if stub is not None])
    if isinstance(bodies, str):
        return error(bodies)
    written = 0
    for kind, line, stub in plan:
        if stub is not None:
            text = bodies[kind].replace("{{ asset_name }}", loaded.asset.name)
            text = text.replace("{{ owner }}", f"{owner.name} <{owner.email}>" if owner else "<fill in>")
            text = with_sections(text, headings.get(kind, []))
            stub.parent.mkdir(parents=True, exist_ok=True)
            with stub.open("x", encoding="utf-8") as fh:  # "x": never overwrite, even in a race
                fh.write(text)
            written += 1
        out.write(clean(line) + "\n")
    if to_declare:
        added = add_artifacts(path, to_declare)
        if added:
            out.write(clean(f"updated {found[0]} (artifacts: {', '.join(to_declare)})") + "\n")
        else:
            out.write(clean(f"add to `artifacts:` in {found[0]}:") + "\n")
            for kind, rel in to_declare.items():
                out.write(clean(f"  {kind}: {rel}") + "\n")
    if not written and not to_declare:
        out.write("nothing to add: every artifact the policy requires is declared and exists\n")
    out.write(clean(f"next: fill in the stubs, then run `prodgate check {directory}`") + "\n")
    return ec.PASSED


def with_sections(text: str, headings: list[str]) -> str:
    """``text`` with a section for each of ``headings`` it has no heading for (compared
    as the rules compare them, case-insensitively), so that a stub written for a risk
    requirement (an agent's "Stopping the agent") asks for every section it needs."""
    titles = {line.lstrip("#").strip().lower() for line in text.splitlines() if line.startswith("#")}
    missing = [h for h in headings if h.lower() not in titles]
    if not missing:
        return text
    return text.rstrip("\n") + "\n" + "".join(f"\n## {h}\n\n<fill in>\n" for h in missing)


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def add_artifacts(path: Path, entries: dict[str, str]) -> bool:
    """Add ``kind: path`` lines under the declaration's ``artifacts:``, keeping every
    other byte; False (file untouched) when that cannot be done line by line."""
    from prodgate.yamlio.loader import YamlProblem, load_yaml

    text = path.read_text(encoding="utf-8")
    doc = load_yaml(text)
    if isinstance(doc, YamlProblem) or not isinstance(doc.data, dict):
        return False
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    current = doc.data.get("artifacts")
    if "artifacts" not in doc.data:
        lines += ["artifacts:\n", *(f"  {k}: {v}\n" for k, v in entries.items())]
    elif isinstance(current, dict) and current:
        key_line = doc.key_position(("artifacts",))[0]
        children = [doc.key_position(("artifacts", k)) for k in current]
        if any(line == key_line for line, _col in children):
            return False  # a flow mapping: artifacts: { ... }
        indent = " " * (children[0][1] - 1)
        last = max(doc.position(("artifacts", k))[0] for k in current)
        lines[last:last] = [f"{indent}{k}: {v}\n" for k, v in entries.items()]
    else:
        return False
    new = "".join(lines)
    check = load_yaml(new)
    if isinstance(check, YamlProblem) or not isinstance(check.data, dict):
        return False
    artifacts = check.data.get("artifacts")
    if not isinstance(artifacts, dict) or any(artifacts.get(k) != v for k, v in entries.items()):
        return False
    path.write_text(new, encoding="utf-8")
    return True
