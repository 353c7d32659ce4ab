"""PG3xx: evaluation evidence is declared, readable, meets its thresholds, is fresh and
was measured on the declared model.

Each declared eval is read once (``prodgate.evals``) and judged against its own
thresholds and age limit, the policy's minimums for the tier, the declared models,
and - in a git checkout - the history of what it depends on. Its outcome is recorded in
``ctx.evals`` for the reports. When the policy does not require evals for the asset,
declared evals are still checked, at warning severity.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from prodgate.context import AssetContext, Demand
from prodgate.evals import models as model_match
from prodgate.evals.base import EvalResults, ReadProblem
from prodgate.evals.load import ResultsCache
from prodgate.evals.produce import how_to_produce, threshold_yaml
from prodgate.evals.thresholds import Threshold, parse, show
from prodgate.evidence import run_digests
from prodgate.findings import Finding, Location, Severity
from prodgate.fsutil import FileProblem, relpath, resolve_inside
from prodgate.manifest.model import Eval
from prodgate.report import EvalSummary, MetricResult
from prodgate.rules.registry import RULES

if TYPE_CHECKING:
    from prodgate.evals.freshness import Change, History

_PROBLEM_RULES = {"unreadable": "PG303", "corrupt": "PG304", "format": "PG305"}
_FIXES = {
    "unreadable": "Commit the summary file the eval tool writes, as UTF-8 text.",
    "corrupt": "Re-run the eval and commit its complete output.",
    "format": "Set `format:` to the tool that wrote the file (prodgate, promptfoo, lm-eval, hf-model-index, junit).",
}
SUMMARY_ROWS = 20
"""Metrics recorded per eval for the reports: those with thresholds first."""
LISTED_METRICS = 15


@dataclass
class _Judge:
    """Builds the findings of one asset with the requirement and severity they share."""

    ctx: AssetContext
    demand: Demand | None
    findings: list[Finding] = field(default_factory=list)
    places: dict[str, _Place] = field(default_factory=dict)
    unmatched: dict[int, list[tuple[str, str, Location | None]]] = field(default_factory=dict)
    artifacts: list[Path] | None = None
    """The asset's resolved artifact paths, once needed: see :func:`_artifact_paths`."""
    """By ``id()`` of a results file's (shared, cached) results: see :func:`_model`."""

    def add(
        self,
        rule_id: str,
        message: str,
        where: Location,
        fix: str,
        related: Location | None = None,
        severity: Severity | None = None,
    ) -> None:
        """A finding at the rule's severity (or ``severity``); a warning whatever it is
        when the policy does not demand evals of this asset."""
        self.findings.append(
            RULES[rule_id].finding(
                message,
                where,
                asset=self.ctx.asset.name,
                fix=fix,
                requirement=self.demand.id if self.demand else None,
                related=related,
                severity=severity if self.demand else Severity.WARNING,
            )
        )


@dataclass
class _Read:
    """One eval and what came of reading it."""

    index: int
    spec: Eval
    path: Path | None = None
    rel: str = ""
    results: EvalResults | None = None
    rows: dict[str, MetricResult] = field(default_factory=dict)


def check(ctx: AssetContext) -> Iterator[Finding]:
    asset, decl = ctx.asset, ctx.decl
    demand = ctx.checks("evals")
    if demand and not asset.evals:
        yield RULES["PG301"].finding(
            f"tier {ctx.effective_tier!r} at stage {asset.stage!r} needs eval results, "
            "but `evals:` declares none",
            decl.loc(),
            asset=asset.name,
            fix=_pg301_fix(ctx),
            requirement=demand.id,
        )
        return
    judge = _Judge(ctx, demand)
    reads = [_read_one(judge, i, ev) for i, ev in enumerate(asset.evals)]
    minimums = _policy_minimums(ctx) if demand else {}
    history = _History(ctx)
    # Once, not per eval: a thousand evals naming one file share one list of one path.
    all_results = list(dict.fromkeys(r.path for r in reads if r.path is not None))
    unjudged: list[_Read] = []
    for item in reads:
        if item.results is not None:
            _thresholds(judge, item, minimums)
            _model(judge, item)
            if not _freshness(judge, item, history, all_results):
                unjudged.append(item)
        ctx.evals.append(_summary(ctx, item))
    if unjudged:
        _no_history(judge, unjudged)
    if demand:
        _policy(judge, reads, minimums)
    yield from judge.findings


def _history_gap_severity(ctx: AssetContext) -> Severity:
    """What missing history is at this gate: the merge gate warns (a pull request's
    checkout is often shallow, and its evals are judged again at deploy); the deploy
    gate cannot release what it cannot show to be fresh."""
    return Severity.ERROR if ctx.gate == "deploy" else Severity.WARNING


def _no_history(judge: _Judge, items: list[_Read]) -> None:
    """PG317, once per asset: without git history no eval's inputs can be compared with
    its results, so a stale eval would pass as fresh."""
    ctx = judge.ctx
    names = ", ".join(repr(i.spec.name) for i in items)
    root = ctx.repo_root
    if not (root / ".git").exists():
        why = "it is not a git checkout (an export such as `git archive`, or a copy without .git)"
    elif shutil.which("git") is None:
        why = "there is no git program to read it with"
    else:
        why = "git cannot read it (not a repository, or no commit yet)"
    judge.add(
        "PG317",
        f"eval{'s' if len(items) != 1 else ''} {names}: the checkout has no git history, because {why}; "
        "whether the inputs changed after the results cannot be established. Check out the repository "
        "with its whole history (actions/checkout with `fetch-depth: 0`)",
        ctx.decl.key_loc("evals"),
        "In the workflow: `- uses: actions/checkout@v4` with `with: { fetch-depth: 0 }`; elsewhere run the "
        "gate in a full git clone.",
        severity=_history_gap_severity(ctx),
    )


@dataclass(frozen=True)
class _Place:
    """Where an eval's ``results:`` leads: the file (or why there is none), its path as
    reports show it, and whether something other than a regular file is there."""

    resolved: Path | FileProblem
    rel: str
    is_file: bool
    exists: bool


def _place(judge: _Judge, declared: str) -> _Place:
    """Resolved and looked at once per distinct ``results:`` of the asset, however many
    evals name it."""
    place = judge.places.get(declared)
    if place is None:
        ctx = judge.ctx
        resolved = resolve_inside(ctx.repo_root, ctx.decl.root, declared)
        if isinstance(resolved, FileProblem):
            place = _Place(resolved, declared, False, False)
        else:
            is_file = resolved.is_file()
            place = _Place(resolved, relpath(resolved, ctx.repo_root), is_file, is_file or resolved.exists())
        judge.places[declared] = place
    return place


def _read_one(judge: _Judge, i: int, ev: Eval) -> _Read:
    ctx, decl = judge.ctx, judge.ctx.decl
    item = _Read(i, ev, rel=ev.results)
    place = _place(judge, ev.results)
    resolved = place.resolved
    if isinstance(resolved, FileProblem) or not place.is_file:
        if place.exists:
            # A directory or a device: there, but no results file.
            item.rel = place.rel
            judge.add(
                "PG303",
                f"eval {ev.name!r}: {item.rel}: is not a regular file",
                decl.loc("evals", i, "results"),
                _FIXES["unreadable"],
            )
            return item
        why = resolved.message if isinstance(resolved, FileProblem) else "file does not exist"
        judge.add(
            "PG302",
            f"eval {ev.name!r}: results {ev.results}: {why}",
            decl.loc("evals", i, "results"),
            "\n".join(filter(None, (
                "Commit the results file your eval tool wrote, at a path relative to ai-asset.yaml.",
                how_to_produce(ev.results, ev.format) if not isinstance(resolved, FileProblem) else "",
            ))),
        )
        return item
    item.path = resolved
    item.rel = place.rel
    loaded = _results_cache(ctx).read(resolved, ev.format)
    if isinstance(loaded, ReadProblem):
        where = decl.loc("evals", i, "results")
        if loaded.kind == "format" and _declared(judge, i, "format"):
            where = decl.loc("evals", i, "format")
        at = f"{item.rel}:{loaded.line}" if loaded.line else item.rel
        fix = loaded.fix or _FIXES[loaded.kind]
        if loaded.kind == "format" and ev.format != "auto":
            # `format:` is set already: saying "set it" again sends the author in a circle.
            fix = (
                f"`format: {ev.format}` is set, and the file is not what {ev.format} writes: commit the "
                f"file {ev.format} wrote, or set `format:` to the tool that did write it (or remove it: "
                "prodgate recognises each format by its content)."
            )
        judge.add(
            _PROBLEM_RULES[loaded.kind],
            f"eval {ev.name!r}: {at}: {loaded.message}",
            where,
            fix,
            related=Location(item.rel, loaded.line),
        )
        return item
    item.results = loaded
    return item


def _results_cache(ctx: AssetContext) -> ResultsCache:
    """The run's cache of results files, shared by every asset."""
    cache = ctx.run_cache.get("evals.results")
    if not isinstance(cache, ResultsCache):
        cache = ctx.run_cache["evals.results"] = ResultsCache(digests=run_digests(ctx.run_cache))
    return cache


def _declared(judge: _Judge, *path: str | int) -> bool:
    return ("evals", *path) in judge.ctx.decl.doc.positions


def _pg301_fix(ctx: AssetContext) -> str:
    """The ``evals:`` entry to add, with the policy's minimums for the tier as its
    thresholds (an example one where it sets none), and how to produce its results."""
    minimums = ctx.policy.evals.minimum_thresholds.get(ctx.effective_tier, {})  # type: ignore[call-overload]
    thresholds = threshold_yaml(minimums or {"pass_rate": ">= 0.9"})
    return (
        "evals:\n  - name: quality\n    results: evals/results.json\n"
        f"    thresholds: {thresholds}\n"
        f"{how_to_produce()}\n"
        "A new asset can declare it at once: `prodgate init ... --eval quality=prodgate:evals/results.json DIR`."
    )


def _policy_minimums(ctx: AssetContext) -> dict[str, Threshold]:
    out = {}
    for metric, spec in ctx.policy.evals.minimum_thresholds.get(ctx.effective_tier, {}).items():  # type: ignore[call-overload]
        parsed = parse(spec)
        if parsed is not None:
            out[metric] = parsed
    return out


def _thresholds(judge: _Judge, item: _Read, minimums: dict[str, Threshold]) -> None:
    decl, ev, results = judge.ctx.decl, item.spec, item.results
    assert results is not None
    i = item.index
    for metric, spec in ev.thresholds.items():
        threshold = parse(spec)
        if threshold is None:  # refused by the schema already
            continue
        found = results.metrics.get(metric)
        broken = results.not_numbers.get(metric)
        if found is None and broken is not None:
            judge.add(
                "PG306",
                f"eval {ev.name!r}: {metric} is not a number in {item.rel} ({broken}), "
                f"so threshold {threshold.text} is not met",
                decl.loc("evals", i, "thresholds", metric),
                "Re-run the eval; a metric that is not a number means the task failed or "
                "measured nothing.",
            )
            item.rows[metric] = MetricResult(metric, None, threshold.text, False)
            continue
        if found is None:
            judge.add(
                "PG307",
                f"eval {ev.name!r}: threshold on {metric!r}, but {item.rel} ({results.format}) "
                f"has no such metric{_suggest(metric, results)}; it has: {_listing(results)}",
                decl.key_loc("evals", i, "thresholds", metric),
                "Use one of the metric names the file contains (listed above).",
            )
            item.rows[metric] = MetricResult(metric, None, threshold.text, False)
            continue
        passed = threshold.passes(found.value)
        if not passed:
            judge.add(
                "PG306",
                f"eval {ev.name!r}: {metric} is {show(found.value)} in {item.rel}, "
                f"threshold {threshold.text} not met",
                decl.loc("evals", i, "thresholds", metric),
                "Improve the system and re-run the eval, then commit the new results.",
            )
        item.rows[metric] = MetricResult(metric, found.value, threshold.text, passed)
    for metric, minimum in minimums.items():
        found = results.metrics.get(metric)
        broken = results.not_numbers.get(metric)
        if found is None and broken is None:
            continue
        passed = found is not None and minimum.passes(found.value)
        tier = judge.ctx.effective_tier
        if not passed:
            at = (
                decl.loc("evals", i, "thresholds", metric)
                if _declared(judge, i, "thresholds", metric)
                else decl.loc("evals", i)
            )
            shown = show(found.value) if found is not None else f"not a number ({broken})"
            judge.add(
                "PG314",
                f"eval {ev.name!r}: {metric} is {shown} in {item.rel}; the policy "
                f"requires {minimum.text} for tier {tier!r}",
                at,
                "Meet the policy minimum; a lower threshold in ai-asset.yaml does not lower it.",
            )
        row = item.rows.get(metric)
        text = (
            f"{row.threshold}; policy {minimum.text}"
            if row and row.threshold
            else f"policy {minimum.text}"
        )
        both = passed and (row is None or row.passed is not False)
        item.rows[metric] = MetricResult(metric, found.value if found is not None else None, text, both)


def _suggest(metric: str, results: EvalResults) -> str:
    """A close metric name of the same kind: a count (``passed``) is never offered for
    a rate (``pass_rate``), whose threshold would then compare a number of tests with
    a fraction."""
    import difflib  # only when a threshold names an unknown metric

    last = metric.rsplit("/", 1)[-1].lower()
    wants_count = last in _COUNT_NAMES or any(word in last for word in ("count", "cnt", "total", "num"))
    names = [n for n, m in results.metrics.items() if wants_count or not m.is_count]
    names += list(results.not_numbers)
    close = difflib.get_close_matches(metric, names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


_COUNT_NAMES = frozenset({"tests", "passed", "failures", "errors", "skipped"})


def _listing(results: EvalResults) -> str:
    names = list(results.metrics)
    shown = ", ".join(names[:LISTED_METRICS])
    more = len(names) - LISTED_METRICS
    return f"{shown} and {more} more" if more > 0 else shown


def _model(judge: _Judge, item: _Read) -> None:
    results, decl = item.results, judge.ctx.decl
    assert results is not None
    unmatched = judge.unmatched.get(id(results))
    if unmatched is None:
        # Once per results file: the evals that share one share its models.
        unmatched = judge.unmatched[id(results)] = _unmatched(judge, results)
    for identifier, why, related in unmatched:
        judge.add(
            "PG311",
            f"eval {item.spec.name!r}: {item.rel} ran against {identifier!r}, {why}",
            decl.loc("evals", item.index, "results"),
            "Re-run the eval against the declared model, or correct `models:`.",
            related=related,
        )


def _unmatched(judge: _Judge, results: EvalResults) -> list[tuple[str, str, Location | None]]:
    """The models ``results`` ran against that no declared model matches, each with why
    and where the declared models are."""
    asset = judge.ctx.asset
    out: list[tuple[str, str, Location | None]] = []
    for identifier in model_match.unmatched(results.models, asset.models):
        if asset.models:
            why = f"which matches no model in `models:` ({model_match.describe(asset.models)})"
            out.append((identifier, why, judge.ctx.decl.loc("models")))
        else:
            out.append((identifier, "but `models:` declares none", None))
    return out


class _History:
    """The checkout's history, opened on first need (a run without evals starts no git)."""

    _KEY = "evals.history"

    def __init__(self, ctx: AssetContext) -> None:
        self.root = ctx.repo_root
        self.cache = ctx.run_cache

    def get(self) -> History | None:
        """One History per run, shared by every asset: its index of commits answers
        all evals' questions with one ``git log``."""
        if self._KEY not in self.cache:
            history = None
            if (self.root / ".git").exists():
                from prodgate.evals.freshness import open_history

                history = open_history(self.root)
            self.cache[self._KEY] = history
        return cast("History | None", self.cache[self._KEY])


def _freshness(judge: _Judge, item: _Read, lazy: _History, all_results: list[Path]) -> bool:
    """PG308-PG310, PG316 for one eval; False when there is no history to judge its
    inputs by (PG317, said once for the asset)."""
    ctx, ev, results = judge.ctx, item.spec, item.results
    assert results is not None and item.path is not None
    limit, limit_at, why = _age_limit(judge, item)
    # No `paths:` and no `inputs:`: everything in the asset's folder is an input.
    patterns = ev.inputs or ctx.asset.paths or ["."]
    history = lazy.get()
    change: Change | None = None
    shallow = False
    rel = ""
    if history is not None:
        rel = history.rel(item.path)
        change = history.last_change(rel)
        shallow = change is not None and change.sha in history.shallow_boundary()

    def regenerated() -> bool:
        """The results file differs from its last commit: re-run, not yet committed.
        Asked only when the answer matters (one ``git status`` per run)."""
        return history is not None and history.dirty(rel)

    run_at, source = _run_time(judge, item, change, shallow, regenerated)
    from_commit = source.startswith("last committed")
    unknown_age = False
    if limit is not None and limit_at is not None and run_at is not None:
        day = run_at.astimezone(dt.UTC).date() if run_at.tzinfo else run_at.date()
        age = (ctx.today - day).days
        # From a shallow clone's oldest commit the age is a lower bound: the results
        # may have been committed earlier, in history the clone lacks.
        bound = "at least " if shallow and from_commit else ""
        if age > limit and not (from_commit and regenerated()):
            judge.add(
                "PG308",
                f"eval {ev.name!r}: results in {item.rel} are {bound}{age} days old (run {day.isoformat()}, "
                f"{source}); the limit is {limit} days ({why})",
                limit_at,
                "Re-run the eval and commit the new results.",
            )
        unknown_age = bool(bound) and age <= limit and not regenerated()
    if history is None:
        return False
    if change is None:
        return True  # never committed: written by this run's change
    partial = _inputs_changed(judge, item, history, change, patterns, all_results, regenerated)
    if partial or unknown_age:
        gap = [
            *(["changes to its inputs in the missing commits cannot be seen"] if partial else []),
            *(["its age cannot be told"] if unknown_age else []),
        ]
        judge.add(
            "PG310",
            f"eval {ev.name!r}: the checkout is a shallow clone without the whole history of "
            f"{item.rel}; {' and '.join(gap)}. Set `fetch-depth: 0` on actions/checkout "
            "(or run `git fetch --unshallow`)",
            ctx.decl.loc("evals", item.index, "results"),
            "In the workflow: `- uses: actions/checkout@v4` with `with: { fetch-depth: 0 }`.",
            severity=_history_gap_severity(ctx),
        )
    return True


FUTURE_SKEW = dt.timedelta(hours=1)
"""Clock difference tolerated between the machine that ran the eval and the commit."""
NAIVE_SKEW = dt.timedelta(hours=14)
"""A run time without a time zone may be local time anywhere on Earth."""


def _run_time(
    judge: _Judge,
    item: _Read,
    change: Change | None,
    shallow: bool,
    regenerated: Callable[[], bool],
) -> tuple[dt.datetime | None, str]:
    """The run time the age counts from, and how it is known.

    The time the file states, unless it is after the commit that added the file or
    after today: a run cannot happen after its results were committed, and a time in
    the future would make results never too old. That is a finding of its own, and the
    age then counts from the commit. Without a stated time, from the commit too.
    """
    ctx, ev, results = judge.ctx, item.spec, item.results
    assert results is not None
    stated = results.run_at
    from_commit: tuple[dt.datetime | None, str] = (None, "")
    if change is not None:
        where = f"{change.short} or earlier (shallow clone)" if shallow else change.short
        from_commit = (change.when, f"last committed in {where}")
    if stated is None:
        return from_commit
    skew = FUTURE_SKEW if stated.tzinfo else NAIVE_SKEW
    utc = stated.astimezone(dt.UTC) if stated.tzinfo else stated.replace(tzinfo=dt.UTC)
    # A file regenerated since its last commit is newer than that commit: only today bounds it.
    if change is not None and utc > change.when + skew and not regenerated():
        after = f"after the commit that added it ({change.short}, {_when(change.when)})"
    elif (utc - skew).date() > ctx.today:
        after = f"after today ({ctx.today.isoformat()})"
    else:
        return stated, "as the file states"
    judge.add(
        "PG316",
        f"eval {ev.name!r}: {item.rel} states it was run at {_when(stated)}, {after}; "
        "the age of the results counts from their commit instead",
        ctx.decl.loc("evals", item.index, "results"),
        "Re-run the eval on a machine whose clock is right and commit its results; "
        "a run time cannot be later than the commit that records it.",
    )
    if from_commit[0] is not None:
        return from_commit[0], f"{from_commit[1]}; the stated run time is later"
    return None, ""


def _when(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")


def _age_limit(judge: _Judge, item: _Read) -> tuple[int | None, Location | None, str]:
    """The stricter of the eval's own ``max_age_days`` and the policy's for the tier."""
    ctx, ev = judge.ctx, item.spec
    tier = ctx.effective_tier
    policy_limit = ctx.policy.evals.max_age_days.get(tier)  # type: ignore[call-overload]
    own = ev.max_age_days
    if own is not None and (policy_limit is None or own <= policy_limit):
        return own, ctx.decl.loc("evals", item.index, "max_age_days"), "max_age_days of this eval"
    if policy_limit is not None:
        return int(policy_limit), ctx.decl.loc("evals", item.index), f"policy for tier {tier!r}"
    return None, None, ""


def _inputs_changed(
    judge: _Judge,
    item: _Read,
    history: History,
    change: Change,
    patterns: list[str],
    all_results: list[Path],
    regenerated: Callable[[], bool],
) -> bool:
    """Report a commit after the results that changed an input (PG309). Returns True
    when a shallow clone lacks history that could hold such a change and none was seen.
    Results regenerated since their last commit are new: nothing is reported then.
    """
    from prodgate.evals.freshness import input_specs

    ctx = judge.ctx
    assert item.path is not None
    skip = [*all_results, ctx.decl.path]
    if not (item.spec.inputs or ctx.asset.paths):
        # The asset's folder by default: its documents (model card, runbook) describe
        # the system rather than change what the eval measured.
        skip += _artifact_paths(judge)
    specs = input_specs(history, ctx.decl.root, patterns, skip)
    decl_rel = history.rel(ctx.decl.path)
    found = history.stale_since(change.sha, specs, decl_rel if ctx.asset.models else None)
    newest = found.change
    if (newest is None and not found.partial) or regenerated():
        return False
    if newest is None:
        return True
    what = "`models:` in " + ctx.decl.rel if newest.path == decl_rel else newest.path
    why, fix = "", "Re-run the eval and commit the new results."
    if newest.path != decl_rel and not (item.spec.inputs or ctx.asset.paths):
        why, fix = _default_input(ctx, newest.path)
    judge.add(
        "PG309",
        f"eval {item.spec.name!r}: {item.rel} was last committed in {change.short} "
        f"({change.when.date().isoformat()}), but {what} changed after it in {newest.short} "
        f"({newest.when.date().isoformat()}); the results no longer describe the system{why}",
        ctx.decl.loc("evals", item.index, "results"),
        fix,
        related=Location(newest.path) if newest.path else None,
    )
    return False


def _default_input(ctx: AssetContext, path: str) -> tuple[str, str]:
    """Why ``path`` counted as an input, and the fix, when it looks like a document the
    policy knows (``docs/runbook.md``) that the declaration does not list: with neither
    ``inputs:`` nor ``paths:`` every file of the asset's folder is an input except the
    results and the declared artifacts, and "re-run the eval" would be no answer."""
    rerun = "Re-run the eval and commit the new results."
    folder = posixpath.dirname(ctx.decl.rel)
    stem = posixpath.splitext(posixpath.basename(path))[0].lower().replace("-", "_")
    kind = ctx.policy.artifacts.get(stem)
    if kind is None or stem in ctx.asset.artifacts:
        return "", rerun
    rel = posixpath.relpath(path, folder) if folder else path
    why = (
        f" ({path} counts as an input because it is not declared under `artifacts:`, and the eval "
        "names no `inputs:` nor the asset `paths:`: then every file in the asset's folder does, "
        "except results files and declared artifacts)"
    )
    return why, (
        f"If {path} is the asset's {kind.title.lower()}, declare it: under `artifacts:` add `{stem}: {rel}` "
        f"(a declared document is no input). Otherwise re-run the eval and commit the new results, or "
        "name what the eval depends on in `inputs:`."
    )


def _artifact_paths(judge: _Judge) -> list[Path]:
    """The asset's artifacts, resolved once per asset rather than once per eval."""
    if judge.artifacts is None:
        ctx = judge.ctx
        resolved = (resolve_inside(ctx.repo_root, ctx.decl.root, p) for p in ctx.asset.artifacts.values())
        judge.artifacts = [p for p in resolved if isinstance(p, Path)]
    return judge.artifacts


def _policy(judge: _Judge, reads: list[_Read], minimums: dict[str, Threshold]) -> None:
    ctx, decl, asset = judge.ctx, judge.ctx.decl, judge.ctx.asset
    tier = ctx.effective_tier
    rules = ctx.policy.evals
    need = rules.min_count.get(tier, 0)  # type: ignore[call-overload]
    if len(asset.evals) < need:
        judge.add(
            "PG313",
            f"tier {tier!r} needs at least {need} evals; `evals:` declares {len(asset.evals)}",
            decl.key_loc("evals"),
            "Declare more evals under `evals:`.",
        )
    have = {(ev.category or "").strip().lower() for ev in asset.evals}
    for category in rules.required_categories.get(tier, []):  # type: ignore[call-overload]
        if category.lower() not in have:
            judge.add(
                "PG312",
                f"tier {tier!r} needs an eval in category {category!r}; none of the "
                f"{len(asset.evals)} evals declares `category: {category}`",
                decl.key_loc("evals"),
                f"Add `category: {category}` to the eval that covers it, or add such an eval.",
            )
    if any(r.results is None for r in reads):
        return  # an unreadable file might hold the metric; it is reported already
    for metric, minimum in minimums.items():
        if not any(
            metric in r.results.metrics or metric in r.results.not_numbers
            for r in reads
            if r.results is not None
        ):
            judge.add(
                "PG315",
                f"the policy requires {metric} {minimum.text} for tier {tier!r}, but none of "
                f"the asset's results files reports {metric!r}",
                decl.key_loc("evals"),
                f"Add an eval whose results contain {metric!r}.",
            )


def _summary(ctx: AssetContext, item: _Read) -> EvalSummary:
    results = item.results
    rows = list(item.rows.values())
    if results is not None:
        for name, metric in results.metrics.items():
            if len(rows) >= SUMMARY_ROWS:
                break
            if name not in item.rows:
                rows.append(MetricResult(name, metric.value))
    return EvalSummary(
        name=item.spec.name,
        results=item.rel,
        format=results.format if results is not None else item.spec.format,
        metrics=tuple(rows),
        model=", ".join(results.models) or None if results is not None else None,
        subject=results.subject if results is not None else None,
        run_at=results.run_at.isoformat() if results is not None and results.run_at else None,
        location=ctx.decl.loc("evals", item.index),
    )
