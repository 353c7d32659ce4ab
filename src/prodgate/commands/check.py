"""``prodgate check``: run the gate and write every requested format."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prodgate import exitcodes as ec
from prodgate.commands.common import error, resolve_paths
from prodgate.findings import Finding, Severity
from prodgate.hygiene import commands_stopped, under_actions
from prodgate.outfile import open_output
from prodgate.reporters import REPORTERS, get_reporter
from prodgate.startup import import_quickly, wants_color

if TYPE_CHECKING:
    from prodgate.attestation.statement import Subject
    from prodgate.engine import Options
    from prodgate.github.reviews import ReviewSource
    from prodgate.policy.loader import EffectivePolicy
    from prodgate.report import Report


def parse_formats(raw: list[str] | None, output: str | None) -> list[tuple[str, str | None]] | str:
    """``["text", "sarif=out.sarif"]`` -> [(name, file or None)], or an error message."""
    default = "github" if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in REPORTERS else "text"
    items = raw or [default]
    out: list[tuple[str, str | None]] = []
    for item in items:
        for part in item.split(","):
            name, _, target = part.strip().partition("=")
            if name not in REPORTERS:
                return f"unknown format {name!r}; choose from {', '.join(REPORTERS)}"
            out.append((name, target or None))
    if output:
        to_stdout = [i for i, (_n, t) in enumerate(out) if t is None]
        if len(to_stdout) != 1:
            return "--output needs exactly one format without =FILE"
        out[to_stdout[0]] = (out[to_stdout[0]][0], output)
    if sum(1 for _n, t in out if t is None) > 1:
        return "only one format can go to standard output; give the others a file (FORMAT=FILE)"
    return out


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if root in path.parents else str(path)


def parse_today(value: str | None) -> dt.date | str:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return f"--today {value!r}: expected a date as YYYY-MM-DD"


def run_gate(args: argparse.Namespace, fail_on: Severity) -> tuple[Report, EffectivePolicy] | int:
    """Run the gate as ``args`` say (paths, root, policy, gate, today), or the exit code
    of a usage error. Shared by the commands that report on a gate run."""
    today = parse_today(args.today)
    if isinstance(today, str):
        return error(today)
    changed: list[str] | None = getattr(args, "changed_files", None)
    if changed is not None and not args.paths:
        # A change that touches no asset: no declaration to check, its files to scan.
        paths: list[Path] = []
        root = Path(args.root).resolve()
    else:
        resolved = resolve_paths(args.paths, args.root)
        if isinstance(resolved, str):
            return error(resolved)
        paths, root = resolved

    from prodgate.manifest.targets import resolve

    targets = resolve(paths, root)
    import_quickly(("prodgate.engine", "prodgate.policy.loader"))
    from prodgate.engine import Options, run
    from prodgate.policy.loader import PolicyError, load_policy

    base = getattr(args, "base", None)
    origin = getattr(args, "policy_origin", None)
    policy_file = origin or _in_repo(args.policy, root)
    policy_arg, label = args.policy, None
    if base and policy_file and not origin:
        from prodgate.change.policy import policy_at_base

        at_base = policy_at_base(args.policy, base, root)
        if isinstance(at_base, str):
            return error(at_base)
        if at_base is not None:
            policy_arg, label = str(at_base.path), at_base.label
    elif base and origin:
        # The Action read the policy from the base commit into a file of its own: the
        # reports name where it lives in the repository and that commit.
        from prodgate import gitobjects
        from prodgate.change.policy import label as policy_label

        label = policy_label(origin, gitobjects.resolve_commit(root, base) or base)
    try:
        # A copy read from the base commit sits alone in a temporary folder: its
        # templates are not there, and the gate does not write stubs.
        from_copy = label is not None or bool(getattr(args, "policy_origin", None))
        policy = load_policy(policy_arg, args.policy_sha256, templates=not from_copy)
    except PolicyError as exc:
        return error(str(exc))
    if label is not None:
        policy = dataclasses.replace(policy, source=label)
    elif policy_file is not None:
        # A policy file in the repository is named from its root (the Action passes
        # the runner's absolute path): the reports say which file, not where a runner
        # kept it.
        policy = dataclasses.replace(policy, source=policy_file)
    from prodgate.policy.announce import announce

    announce(policy)
    discover = bool(getattr(args, "discover", False))
    if targets.uncovered and not (discover and policy.policy.discovery.enabled):
        # A file no asset covers is judged by discovery alone (undeclared AI use in it
        # is PG801); without discovery there is nothing to judge it by.
        names = ", ".join(_shown(p, root) for p in targets.uncovered)
        return error(
            f"{names}: not an ai-asset.yaml, and no asset covers it; give a declaration, "
            "a directory, or a file inside an asset (its folder, artifacts:, evals[].results or paths:)"
            + ("" if discover else ", or leave discovery on to scan it for undeclared AI use")
        )
    reviews = _reviews(args)
    if isinstance(reviews, Refusal):
        return error(reviews.message)
    options = Options(
        gate=args.gate, fail_on=fail_on, today=today, base=base or None,
        policy_file=policy_file, reviews=reviews, policy_arg=_policy_option(args, root),
        discover=discover, pull_head=_pull_head(args),
        changed_files=tuple(changed) if changed is not None else None,
    )
    from prodgate.engine import BaseError

    try:
        report = run(paths, root, policy, options, targets)
        if report.change is not None and report.change.base and options.gate == "merge":
            report = _with_baseline(report, paths, root, policy, options)
        return report, policy
    except BaseError as exc:
        return error(str(exc))
    except Exception as exc:
        # Imported here: a run that reads no reviews never loads the module.
        from prodgate.github.reviews import ReviewError

        if isinstance(exc, ReviewError):
            return error(str(exc))
        raise


def run_check(args: argparse.Namespace) -> int:
    formats = parse_formats(args.format, args.output)
    if isinstance(formats, str):
        return error(formats)
    subjects = _subjects(args)
    if isinstance(subjects, str):
        return error(subjects)
    ran = run_gate(args, Severity(args.fail_on))
    if isinstance(ran, int):
        return ran
    report, _policy = ran
    for name, target in formats:
        render = get_reporter(name)
        if target is None:
            color = args.color if args.color is not None else wants_color(sys.stdout)
            # Human text in an Actions log also goes inside a stop-commands region; the
            # github format places its own regions around everything but its commands,
            # and the machine formats stay byte-for-byte what a reader parses.
            with commands_stopped(sys.stdout, enabled=name == "text" and under_actions()):
                render(report, sys.stdout, color=color)
            continue
        try:
            with open_output(target) as fh:
                render(report, fh, color=False)
        except OSError as exc:
            return error(f"cannot write {target}: {exc.strerror or exc}")
    if args.attest:
        problem = _write_attestation(report, args.attest, subjects, formats)
        if problem:
            return error(problem)
    return ec.PASSED if report.passed else ec.FAILED


def _subjects(args: argparse.Namespace) -> list[Subject] | str:
    """The artifacts ``--subject`` binds the verdict to, read before the gate runs so a
    mistyped path is a usage error rather than a verdict about nothing."""
    if not args.subject:
        return []
    if not args.attest:
        return "--subject needs --attest FILE (it names what the written verdict is about)"
    from prodgate.attestation.statement import parse_subjects

    return parse_subjects(args.subject)


def _write_attestation(
    report: Report, target: str, subjects: list[Subject], formats: list[tuple[str, str | None]]
) -> str | None:
    """Write the verdict's in-toto Statement to ``target``; an error message when it
    cannot be (no commit to bind it to, an unwritable file)."""
    if not report.commit:
        return f"--attest {target}: the checked directory is not at a git commit; the verdict needs one to be about"
    import hashlib
    import json

    from prodgate.attestation.statement import build_statement

    # The evidence record is the JSON report this run wrote (``--format json=FILE``; the
    # Action always writes one): its digest ties the verdict to every finding behind it.
    written = next((t for n, t in formats if n == "json" and t), None)
    evidence = (
        {"uri": Path(written).name, "digest": {"sha256": hashlib.sha256(Path(written).read_bytes()).hexdigest()}}
        if written else None
    )
    statement = build_statement(report, subjects, evidence)
    try:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(json.dumps(statement, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        return f"cannot write {target}: {exc.strerror or exc}"
    return None


def _with_baseline(
    report: Report, paths: list[Path], root: Path, policy: EffectivePolicy, options: Options
) -> Report:
    """The report with each finding marked new or already failing at the base (see
    :mod:`prodgate.change.baseline`); unmarked, so blocking, when git cannot say."""
    from prodgate.change import baseline
    from prodgate.engine import run
    from prodgate.manifest.touched import touched_by_file

    assert report.change is not None and report.change.base is not None
    diff = baseline.changed(root, report.change.base)
    if diff is None:
        return report
    resolved = root.resolve()
    rels = [p.resolve().relative_to(resolved) if resolved in p.resolve().parents else Path() for p in paths]
    at_base = dataclasses.replace(options, base=None, reviews=None)

    def run_at(base_root: Path) -> list[Finding]:
        there = [base_root / rel for rel in rels if (base_root / rel).exists()]
        if paths and not there:
            return []  # nothing the head checks existed at the base
        return run(there, base_root, policy, at_base).findings

    found = baseline.at_base(root, report.change.base, run_at)
    if found is None:
        return report
    decls = {d for ds in touched_by_file([resolved / f for f in diff.files], resolved).values() for d in ds}
    by_path = {a.path: a.name for a in report.assets}
    touched = {by_path[rel] for d in decls if (rel := d.relative_to(resolved).as_posix()) in by_path}
    return baseline.mark(report, found, diff, touched, policy.policy.merge.pre_existing)


@dataclass(frozen=True)
class Refusal:
    message: str


def _reviews(args: argparse.Namespace) -> ReviewSource | str | Refusal:
    """Where approvals are verified: the pull request's reviews, or why there are none."""
    if not getattr(args, "pull_request", None):
        return "not run on a pull request (no --pull-request)"
    from prodgate.github.reviews import PullRequestRef, ReviewSource

    api = os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    ref = PullRequestRef.parse(args.pull_request, api)
    if ref is None:
        return Refusal(f"--pull-request {args.pull_request!r}: expected OWNER/REPO#NUMBER or OWNER/REPO#NUMBER@SHA (a full commit id)")
    token = os.environ.get("PRODGATE_GITHUB_TOKEN") or os.environ.get("GITHUB_TOKEN") or ""
    if not token:
        return "no GitHub token to read the pull request's reviews with (set GITHUB_TOKEN)"
    return ReviewSource(ref, token)


def _pull_head(args: argparse.Namespace) -> str | None:
    """The pull request's head commit from ``--pull-request OWNER/REPO#N@SHA``, token or not."""
    if not getattr(args, "pull_request", None):
        return None
    from prodgate.github.reviews import PullRequestRef

    ref = PullRequestRef.parse(args.pull_request, "")
    return ref.head_sha.lower() if ref is not None and ref.head_sha else None


def _policy_option(args: argparse.Namespace, root: Path) -> str:
    """The ``--policy`` (and pin) options of this run, as fix texts that name another
    command repeat them: ``prodgate init --add-missing`` must scaffold from the same
    policy the gate judged by. A file in the repository is named from its root, as the
    fix texts name the asset's folder."""
    import shlex

    policy = getattr(args, "policy", None)
    if not policy or policy == "builtin":
        return ""
    # The fix commands run from the repository root: a file elsewhere is named in full.
    # On a pull request the Action reads the policy from the base commit into a
    # temporary copy; the fix names the repository's path (``--policy-origin``), which
    # the author has, never the runner's copy.
    origin = getattr(args, "policy_origin", None)
    shown = origin or _in_repo(policy, root) or (policy if "://" in policy else str(Path(policy).absolute()))
    text = f" --policy {shlex.quote(shown)}"
    pin = getattr(args, "policy_sha256", None)
    return text + (f" --policy-sha256 {shlex.quote(pin.strip())}" if pin else "")


def _in_repo(policy: str | None, root: Path) -> str | None:
    """The policy's path relative to the repository root, when it is a file there."""
    if not policy or policy == "builtin" or "://" in policy:
        return None
    try:
        return Path(policy).resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return None
