"""Detections, attributed to assets, become findings (PG801-PG804).

PG801 for each detection no asset covers (waived, and so still shown, when the policy
exempts its path, with the policy's reason); PG802 for a provider or model an asset
uses but does not declare; PG803 for a declaration whose covered source shows no AI
use; PG804 for a file that should have been scanned and could not be.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Callable, Iterable, Iterator, Sequence

from prodgate.discovery.catalogue import Catalogue
from prodgate.discovery.model import SORT_KEY, Detection, Exemption, Skipped
from prodgate.discovery.reconcile import Coverage, DeclaredModel
from prodgate.findings import Finding, Location, Waiver
from prodgate.rules.registry import RULES

_WHAT = {
    "import": "imports",
    "dependency": "depends on",
    "endpoint": "calls the endpoint",
    "credential": "reads the AI credential",
    "model": "names the model",
    "weights": "is model weights",
    "resource": "provisions",
    "image": "runs the model server image",
    "action": "uses the AI action",
    "mcp_server": "uses the MCP server",
    "agent": "uses the agent framework",
    "tool": "gives the model the tool",
}


def describe(det: Detection) -> str:
    """``imports openai (openai)`` and the like: what the detection shows."""
    who = det.provider or det.signature
    if det.kind == "weights":
        return f"is model weights ({det.match})"
    if det.name and det.name != det.match:  # an MCP server's or a tool's own name, then its source
        return f"{_WHAT.get(det.kind, det.kind)} {det.name} ({det.match})"
    return f"{_WHAT.get(det.kind, det.kind)} {det.match} ({who})"


def undeclared(
    detections: Iterable[Detection],
    exemptions: Sequence[Exemption],
    coverage: Sequence[Coverage] = (),
    repository: Callable[[], str] = lambda: "",
) -> Iterator[Finding]:
    """PG801 for each detection without an asset. Its fix declares one asset per
    folder, named as :mod:`prodgate.discovery.suggest` says (unique against
    ``coverage``, the repository's declarations; ``repository`` names the root), or,
    where the folder has a declaration already, names that declaration's ``paths:``."""
    from prodgate.discovery import suggest

    dets = [d for d in detections if d.asset is None]
    declared = {c.folder or suggest.ROOT: c.declaration for c in coverage}
    folders = {posixpath.dirname(d.path) or suggest.ROOT for d in dets}
    names = suggest.names((f for f in folders if f not in declared), {c.name for c in coverage}, repository)
    for det in dets:
        folder = posixpath.dirname(det.path) or suggest.ROOT
        if folder in declared:
            fix = (
                f"Add the file to `paths:` in {declared[folder]} (its `paths:` leave it out), "
                "or to another declaration's `paths:`."
            )
        else:
            fix = (
                f"Declare the asset: `prodgate init --name {names[folder]} --tier team {shlex.quote(folder)}` "
                f"writes {folder}/ai-asset.yaml (then fill in its artifacts), or add the file to an existing "
                "declaration's `paths:`."
            )
        finding = RULES["PG801"].finding(
            f"undeclared AI use: {describe(det)}; no ai-asset.yaml covers this file",
            Location(det.path, det.line),
            fix=fix,
            requirement="discovery",
        )
        yield _waived(finding, next((e for e in exemptions if e.covers(det.path)), None))


def undeclared_models(
    detections: Iterable[Detection], coverage: Sequence[Coverage], cat: Catalogue,
    exemptions: Sequence[Exemption] = (),
) -> Iterator[Finding]:
    """PG802, once per asset and provider or model, at its first place.

    A lock file's entries are not asked about: it lists what the project's
    dependencies pull in (``openai`` as a peer of ``@langchain/core``), which the
    asset does not call. The project's own manifest lists its direct dependencies,
    and those, being detected there, still count.

    A path the policy exempts from discovery is exempt here too: its detections come
    after every other place, and a finding only they raise is waived with the policy's
    reason (shown, as PG801's is, never dropped)."""
    from prodgate.discovery.manifest_names import is_lock

    by_name = {c.name: c for c in coverage}
    seen: set[tuple[str, str]] = set()

    def exempt(det: Detection) -> Exemption | None:
        return next((e for e in exemptions if e.covers(det.path)), None)

    for det in sorted(detections, key=lambda d: (exempt(d) is not None, SORT_KEY(d))):
        cov = by_name.get(det.asset or "")
        if cov is None or (det.kind == "dependency" and is_lock(det.path)):
            continue
        sig = cat.signatures.get(det.signature)
        if sig is not None and det.provider is not None and not sig.declared_by(m.provider for m in cov.models):
            key = (cov.name, f"provider:{det.provider}")
            if key not in seen:
                seen.add(key)
                yield _waived(_pg802(cov, det, f"provider {det.provider!r}", f"- provider: {det.provider}\n  name: <model>"), exempt(det))
        if det.model and not any(_same_model(det.model, m) for m in cov.models):
            key = (cov.name, f"model:{det.model.lower()}")
            if key not in seen:
                seen.add(key)
                yield _waived(
                    _pg802(cov, det, f"model {det.model!r}", f"- provider: {det.provider or '<provider>'}\n  name: {det.model}"),
                    exempt(det),
                )


def _waived(finding: Finding, exemption: Exemption | None) -> Finding:
    """``finding`` waived by the policy's exemption of its path, if one covers it."""
    if exemption is None:
        return finding
    return finding.with_waiver(
        Waiver(ticket="policy discovery.exempt", expires="never", reason=exemption.reason, location=Location(exemption.path))
    )


def _pg802(cov: Coverage, det: Detection, what: str, snippet: str) -> Finding:
    declared = ", ".join(f"{m.provider}/{m.name}" for m in cov.models) or "none"
    return RULES["PG802"].finding(
        f"{det.path} {describe(det)}: {what} is not in the models: of asset {cov.name!r} "
        f"({cov.declaration}; declared: {declared})",
        Location(det.path, det.line),
        asset=cov.name,
        fix=_models_fix(cov, snippet),
        requirement="discovery",
        related=Location(cov.declaration),
    )


def _models_fix(cov: Coverage, item: str) -> str:
    """The YAML to paste: with no model declared yet the declaration says ``models: []``
    (as ``prodgate init`` writes it) or nothing, and an item put under ``[]`` is a YAML
    error, so the whole key is given to replace it."""
    if cov.models:
        return f"Add it under `models:` in {cov.declaration}:\n{item}"
    block = "\n".join("  " + line for line in item.splitlines())
    return f"Replace `models: []` in {cov.declaration} (or add, if it has no `models:`) with:\nmodels:\n{block}"


def _same_model(found: str, declared: DeclaredModel) -> bool:
    """The tolerant comparison eval results use (``gpt-4o-mini-2024-07-18`` is
    ``gpt-4o-mini`` at that version), provider aside: providers are checked apart."""
    from prodgate.evals.models import Named, matches
    from prodgate.manifest.model import ModelRef

    name = found.split(":", 1)[1] if found.count(":") == 1 and "/" not in found.split(":", 1)[0] else found
    name = name.rsplit("/", 1)[-1]
    if "." in name and name.split(".", 1)[0] in ("anthropic", "amazon", "meta", "cohere", "mistral"):
        name = name.split(".", 1)[1]  # Bedrock ids: anthropic.claude-3-haiku-20240307-v1:0
    ref = ModelRef(provider=declared.provider, name=declared.name, version=declared.version)
    return matches(Named(None, name, found), ref) or matches(Named(None, found, found), ref)


def unused_declarations(
    coverage: Sequence[Coverage], checked: Iterable[str], scanned: Iterable[str], detections: Iterable[Detection]
) -> Iterator[Finding]:
    """PG803 for each checked asset whose covered, scanned source files (evidence
    aside) show no AI use at all."""
    used = {d.asset for d in detections if d.asset is not None}
    files = list(scanned)
    for cov in coverage:
        if cov.declaration not in checked or cov.name in used:
            continue
        mine = [f for f in files if f not in cov.evidence and cov.covers(f)]
        if not mine:
            continue
        yield RULES["PG803"].finding(
            f"asset {cov.name!r} covers {len(mine)} source or configuration file(s) "
            f"(first: {mine[0]}) and none shows AI use",
            Location(cov.declaration, 1),
            asset=cov.name,
            fix="Point `paths:` at the code that calls the model, or retire the declaration if the AI is gone.",
            requirement="discovery",
        )


def skipped(items: Iterable[Skipped], gate: str = "merge") -> Iterator[Finding]:
    """PG804 for each file a scan could not read, at the rule's default for ``gate``
    (what cannot be read can hide any AI use: stricter at the deploy gate)."""
    rule = RULES["PG804"]
    for item in items:
        yield rule.finding(
            f"not scanned for AI use: {item.reason}",
            Location(item.path),
            fix="Review the file by hand; keep source and configuration small text files.",
            requirement="discovery",
            severity=rule.severity_at(gate),
        )
