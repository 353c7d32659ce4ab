"""The inventory as a CycloneDX ML-BOM (1.6, or 1.5 for tools that read no newer),
written with cyclonedx-python-lib.

Each fact goes where the standard puts it (the table in docs/inventory-and-register.md):

* The repository is the BOM's subject (``metadata.component``); prodgate, with its
  version, is the tool that made it (``metadata.tools.components``, the 1.5+ form).
* Each asset is an ``application`` component that owns (nests, and depends on) a
  ``machine-learning-model`` component per declared model and a ``data`` component per
  data source. A data source is data the system *uses* when it runs (the tickets a
  reply drafter reads), not data a model was trained on, so it is never one of the
  model card's ``modelParameters.datasets`` (the spec's "datasets used to train and
  evaluate the model"): it is a ``data`` component carrying its ``classification``
  and ``sensitiveData``, which the asset depends on.
* A model's ``modelCard`` carries the eval metrics (``quantitativeAnalysis.
  performanceMetrics``: metric, value and the eval as ``slice``), the use case and the
  risk facts (``considerations``); thresholds, pass/fail, run dates and each eval's
  outcome, for which the card has no field, are the card's ``properties``.
* Undeclared AI found by discovery is listed by what it is: an SDK or framework (an
  import, a dependency) is a ``library``, a model name or weights file a
  ``machine-learning-model``, a model server image a ``container``; a hosted AI API the
  code calls or holds a key for (an endpoint, a credential, a cloud resource) is a
  ``service``. All are marked ``prodgate:undeclared``.
* Gate facts CycloneDX has no field for (tier, stage, gate status, owners, review,
  risk facts as values, exceptions with reason, approvers and expiry) are properties
  in the ``prodgate:`` namespace.

cyclonedx-python-lib builds and serialises everything but the two ML-BOM blocks it
does not model yet (a component's ``modelCard`` and ``data``); those are added to its
JSON output by reference to the components' ``bom-ref``. The tests validate the result
with the library's own JSON-schema validator, for both versions, so the additions are
held to the standard's schema like the rest.

Services are built in two places: :func:`_services` (the hosted AI APIs undeclared
code reaches) and :func:`_agent` (an asset's MCP servers, which the asset depends on).
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from prodgate.inventory.model import (
    AssetEntry,
    Detection,
    EvalEntry,
    ExceptionEntry,
    Inventory,
    Model,
)

if TYPE_CHECKING:
    from cyclonedx.model.component import Component
    from cyclonedx.model.service import Service

EXTRA_HINT = "pip install 'prodgate[cyclonedx]' (or cyclonedx-python-lib)"
SPEC_VERSIONS = ("1.6", "1.5")
"""The versions ``--spec-version`` writes; the first is the default."""

# What each kind of discovery detection is, as a CycloneDX component type; the kinds
# in SERVICE_KINDS are services instead. A kind not listed is a library: code that
# reaches AI through something it imports.
COMPONENT_TYPES = {
    "import": "library",
    "dependency": "library",
    "action": "library",
    "model": "machine-learning-model",
    "weights": "machine-learning-model",
    "image": "container",
}
SERVICE_KINDS = ("endpoint", "credential", "resource")


class MissingDependency(Exception):
    """cyclonedx-python-lib is not installed."""


def write_cyclonedx(inv: Inventory, out: TextIO, spec_version: str = SPEC_VERSIONS[0]) -> None:
    from prodgate.hygiene import json_text

    doc = to_bom_dict(inv, spec_version)
    out.write(json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n")


@dataclass
class _Refs:
    """Unique ``bom-ref`` values (the validator rejects a repeated one: two assets may
    share a name in different folders)."""

    used: set[str] = field(default_factory=set)

    def __call__(self, candidate: str) -> str:
        out, n = candidate, 1
        while out in self.used:
            n += 1
            out = f"{candidate}#{n}"
        self.used.add(out)
        return out


@dataclass
class _Blocks:
    """The JSON blocks cyclonedx-python-lib does not model, by the ``bom-ref`` of the
    component they belong to."""

    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    datas: dict[str, dict[str, Any]] = field(default_factory=dict)


def to_bom_dict(inv: Inventory, spec_version: str = SPEC_VERSIONS[0]) -> dict[str, Any]:
    try:
        from cyclonedx.model import Property
        from cyclonedx.model.bom import Bom
        from cyclonedx.model.component import Component, ComponentType
        from cyclonedx.output.json import JsonV1Dot5, JsonV1Dot6
    except ImportError as exc:
        raise MissingDependency(
            f"--format cyclonedx needs cyclonedx-python-lib: {EXTRA_HINT}"
        ) from exc

    refs, blocks = _Refs(), _Blocks()
    bom = Bom()
    stamp = _timestamp(inv.generated_at)
    if stamp is not None:
        bom.metadata.timestamp = stamp
    bom.metadata.component = Component(
        name=inv.repository,
        version=inv.commit or None,
        type=ComponentType.APPLICATION,
        bom_ref=refs("repository"),
    )
    bom.metadata.tools.components.add(_tool(inv))
    for name, value in _bom_properties(inv):
        bom.metadata.properties.add(Property(name=name, value=value))
    assets = []
    servers = []
    for a in inv.assets:
        comp, children = _asset(a, refs, blocks)
        mine = _agent(a, comp, refs)
        bom.components.add(comp)
        bom.register_dependency(comp, [*children, *mine])
        assets.append(comp)
        servers += mine
    for d in inv.undeclared:
        if d.kind not in SERVICE_KINDS:
            bom.components.add(_undeclared_component(d, refs))
    for service in [*servers, *_services(inv, refs)]:
        bom.services.add(service)
    bom.register_dependency(bom.metadata.component, assets)
    writer = JsonV1Dot5 if spec_version == "1.5" else JsonV1Dot6
    with warnings.catch_warnings():
        # The library warns on stderr that the repository component "has no defined
        # dependencies"; a repository is the subject of the BOM, not a package with
        # dependencies, and the warning would be noise in every run.
        warnings.simplefilter("ignore", UserWarning)
        doc: dict[str, Any] = json.loads(writer(bom).output_as_string())
    _attach(doc.get("components", []), blocks)
    return doc


def _timestamp(generated_at: str) -> dt.datetime | None:
    """When the inventory was made (the BOM describes that moment, not the export)."""
    try:
        return dt.datetime.fromisoformat(generated_at)
    except ValueError:
        return None


def _tool(inv: Inventory) -> Component:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, XsUri
    from cyclonedx.model.component import Component, ComponentType

    from prodgate import HOME

    return Component(
        type=ComponentType.APPLICATION,
        name="prodgate",
        version=inv.tool_version,
        bom_ref="tool:prodgate",
        external_references=[
            ExternalReference(type=ExternalReferenceType.WEBSITE, url=XsUri(HOME))
        ],
    )


def _bom_properties(inv: Inventory) -> list[tuple[str, str]]:
    props = [
        ("prodgate:gate", inv.gate),
        ("prodgate:today", inv.today),
        ("prodgate:policy.sha256", inv.policy_sha256),
    ]
    if inv.policy_name:
        props.append(("prodgate:policy.name", inv.policy_name))
    if inv.policy_version:
        props.append(("prodgate:policy.version", inv.policy_version))
    props.append(("prodgate:discovery", _bool(inv.discovery)))
    return props


def _asset(a: AssetEntry, refs: _Refs, blocks: _Blocks) -> tuple[Component, list[Component]]:
    """The asset's component and its children (models, then data sources)."""
    from cyclonedx.model import Property
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.contact import OrganizationalContact

    asset_ref = refs(f"asset:{a.name}")
    children = []
    targets = _eval_targets(a)
    for m in a.models:
        r = refs(
            f"{asset_ref}/model:{m.provider}/{m.name}" + (f"@{m.version}" if m.version else "")
        )
        children.append(
            Component(
                name=m.name,
                group=m.provider,
                version=m.version,
                type=ComponentType.MACHINE_LEARNING_MODEL,
                bom_ref=r,
                licenses=_licenses(m.license),
            )
        )
        blocks.cards[r] = _model_card(a, [e for e in a.evals if m in targets[e.name]])
    for s in a.data_sources:
        r = refs(f"{asset_ref}/data:{s.name}")
        children.append(
            Component(
                name=s.name,
                type=ComponentType.DATA,
                bom_ref=r,
                licenses=_licenses(s.license),
                properties=[
                    Property(name="prodgate:data.classification", value=s.classification),
                    Property(name="prodgate:data.personal_data", value=_bool(s.personal_data)),
                    Property(name="prodgate:data.use", value="runtime"),
                ],
            )
        )
        blocks.datas[r] = {
            "type": "dataset",
            "name": s.name,
            "classification": s.classification,
            **({"sensitiveData": ["personal data"]} if s.personal_data else {}),
        }
    authors = (
        [OrganizationalContact(name=a.owner.name, email=a.owner.email)]
        if a.owner is not None
        else []
    )
    # Evals about no model (an asset without one) are facts about the asset itself.
    own_evals = [] if a.models else list(a.evals)
    comp = Component(
        name=a.name,
        type=ComponentType.APPLICATION,
        bom_ref=asset_ref,
        description=a.description,
        authors=authors,
        properties=[
            Property(name=k, value=v) for k, v in [*_properties(a), *_eval_properties(own_evals)]
        ],
        components=children,
    )
    return comp, children


def _licenses(declared: str | None) -> list[Any]:
    """The declared licence as CycloneDX reads it: an SPDX id (``{"license": {"id":
    "MIT"}}``), an SPDX expression (``{"expression": "MIT OR Apache-2.0"}``) or, for
    anything else, the licence's name (``{"license": {"name": "Llama 3 Community
    License"}}``); none when the declaration gives none."""
    if not declared:
        return []
    try:
        from cyclonedx.contrib.license.factories import LicenseFactory
    except ImportError:  # an older cyclonedx-python-lib has it only here
        from cyclonedx.factory.license import LicenseFactory

    return [LicenseFactory().make_from_string(declared)]


def _segment(name: str) -> str:
    """A declared name (an eval, a metric, a ticket, a role) as one segment of a property
    name: ``.`` and ``%`` percent-encoded, so that no name can spell another's property
    (eval ``a.b`` with metric ``c`` and eval ``a`` with metric ``b.c`` stay apart)."""
    return name.replace("%", "%25").replace(".", "%2E")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _properties(a: AssetEntry) -> list[tuple[str, str]]:
    props = [
        ("prodgate:path", a.path),
        ("prodgate:tier", a.tier),
        ("prodgate:effective_tier", a.effective_tier),
        ("prodgate:stage", a.stage),
        ("prodgate:gate", "passed" if a.gate.passed else "failed"),
        ("prodgate:gate.errors", str(a.gate.errors)),
        ("prodgate:gate.warnings", str(a.gate.warnings)),
        ("prodgate:gate.waived", str(a.gate.waived)),
    ]
    if a.owner is not None:
        props += [("prodgate:owner", a.owner.name), ("prodgate:owner.email", a.owner.email)]
        if a.owner.team:
            props.append(("prodgate:owner.team", a.owner.team))
    if a.business_owner is not None:
        props += [
            ("prodgate:business_owner", a.business_owner.name),
            ("prodgate:business_owner.email", a.business_owner.email),
        ]
    for key, value in sorted(a.risk.items()):
        props.append(
            (f"prodgate:risk.{key}", _bool(value) if isinstance(value, bool) else str(value))
        )
    for requirement, state in sorted(a.requirements.items()):
        props.append((f"prodgate:requirement.{requirement}", state))
    if a.review.last_reviewed:
        props.append(("prodgate:review.last_reviewed", a.review.last_reviewed))
    if a.review.next_due:
        props.append(("prodgate:review.next_due", a.review.next_due))
    props.append(("prodgate:review.overdue", _bool(a.review.overdue)))
    for e in a.exceptions:
        props += _exception_properties(e)
    return props


def _exception_properties(e: ExceptionEntry) -> list[tuple[str, str]]:
    """One exception as properties named by its ticket (an asset may hold several)."""
    at = f"prodgate:exception.{_segment(e.ticket)}"
    props = [
        (f"{at}.requirement", e.requirement),
        (f"{at}.reason", e.reason),
        (f"{at}.expires", e.expires),
        (f"{at}.state", "active" if e.active else "expired" if e.valid else "invalid"),
    ]
    if e.granted:
        props.append((f"{at}.granted", e.granted))
    props += [
        (
            f"{at}.approval.{_segment(ap.role)}",
            ap.name + (f" (@{ap.github.lstrip('@')})" if ap.github else ""),
        )
        for ap in e.approvals
    ]
    return props


def _eval_targets(a: AssetEntry) -> dict[str, list[Model]]:
    """Which of the asset's models each eval is evidence about: the models its results
    name (matched as the gate matches them), else all of them (a JUnit suite or a
    custom harness names no model; it tests the asset as a whole)."""
    from prodgate.evals.models import matches, names_a_model, split
    from prodgate.manifest.model import ModelRef

    refs = [(m, ModelRef(provider=m.provider, name=m.name, version=m.version)) for m in a.models]
    out: dict[str, list[Model]] = {}
    for e in a.evals:
        named = [
            m for m, r in refs if e.model and names_a_model(e.model) and matches(split(e.model), r)
        ]
        out[e.name] = named or [m for m, _r in refs]
    return out


def _eval_properties(evals: Iterable[EvalEntry]) -> list[tuple[str, str]]:
    """What the card's ``performanceMetrics`` cannot say: each eval's outcome, when it
    ran, its results file, the gate's rules it broke, and each metric's threshold and
    whether it was met."""
    props: list[tuple[str, str]] = []
    for e in evals:
        at = f"prodgate:eval.{_segment(e.name)}"
        props.append((f"{at}.outcome", e.outcome))
        if e.category:
            props.append((f"{at}.category", e.category))
        if e.run_at:
            props.append((f"{at}.run_at", e.run_at))
        props.append((f"{at}.results", e.results))
        if e.rules:
            props.append((f"{at}.rules", " ".join(e.rules)))
        for m in e.metrics:
            if m.threshold is not None:
                props.append((f"{at}.{_segment(m.name)}.threshold", m.threshold))
            if m.passed is not None:
                props.append((f"{at}.{_segment(m.name)}.passed", _bool(m.passed)))
    return props


def _model_card(a: AssetEntry, evals: list[EvalEntry]) -> dict[str, Any]:
    metrics = [
        {"type": m.name, "value": repr(m.value), "slice": e.name}
        for e in evals
        for m in e.metrics
        if m.value is not None
    ]
    card: dict[str, Any] = {}
    if metrics:
        card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    considerations = _considerations(a)
    if considerations:
        card["considerations"] = considerations
    props = _eval_properties(evals)
    if props:
        card["properties"] = [{"name": k, "value": v} for k, v in props]
    return card


# The risk facts as the card's ethical considerations: what the risk is, and the
# mitigation the declaration states (its autonomy: who reviews the output).
_RISKS: dict[str, str] = {
    "customer_facing": "Customer-facing: its output reaches customers",
    "regulated": "Regulated use",
    "decisions_about_people": "Makes or supports decisions about people",
}
_AUTONOMY: dict[str, str] = {
    "human-in-the-loop": "A person reviews each output before it takes effect (human-in-the-loop)",
    "human-on-the-loop": "A person oversees the outputs and can intervene (human-on-the-loop)",
}


def _considerations(a: AssetEntry) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a.description:
        out["useCases"] = [a.description]
    autonomy = a.risk.get("autonomy")
    mitigation = _AUTONOMY.get(str(autonomy), f"Autonomy: {autonomy}") if autonomy else None
    risks: list[dict[str, str]] = []
    for key, name in _RISKS.items():
        if a.risk.get(key) is True:
            risks.append(
                {"name": name, **({"mitigationStrategy": mitigation} if mitigation else {})}
            )
    personal = [s.name for s in a.data_sources if s.personal_data]
    if personal:
        risks.append({"name": f"Processes personal data ({', '.join(personal)})"})
    if risks:
        out["ethicalConsiderations"] = risks
    return out


def _undeclared_component(d: Detection, refs: _Refs) -> Component:
    from cyclonedx.model import Property
    from cyclonedx.model.component import Component, ComponentType

    kind = ComponentType(COMPONENT_TYPES.get(d.kind, "library"))
    name = d.model or d.signature if kind is ComponentType.MACHINE_LEARNING_MODEL else d.signature
    return Component(
        name=name,
        group=d.provider,
        type=kind,
        bom_ref=refs(f"undeclared:{d.path}:{d.line}"),
        properties=[Property(name=k, value=v) for k, v in _undeclared_properties(d)],
    )


def _undeclared_properties(d: Detection) -> list[tuple[str, str]]:
    return [
        ("prodgate:undeclared", "true"),
        ("prodgate:location", f"{d.path}:{d.line}"),
        ("prodgate:kind", d.kind),
        ("prodgate:signature", d.signature),
    ]


def _agent(a: AssetEntry, comp: Component, refs: _Refs) -> list[Service]:
    """An agent's reach: each tool (name, effect, approval) and the strongest effect as
    properties of the asset's component, which CycloneDX has no field for; each MCP
    server as a service the asset depends on, with a URL source as its endpoint (a
    package or image run over stdio has none) and the source and access as properties."""
    from cyclonedx.model import Property, XsUri
    from cyclonedx.model.service import Service

    from prodgate.inventory.writers import agent_tools

    for name, value in [("prodgate:agent.tool", t) for t in agent_tools(a)] + (
        [("prodgate:agent.effect", a.agent_effect)] if a.agent_effect else []
    ):
        comp.properties.add(Property(name=name, value=value))
    out = []
    for m in a.mcp_servers:
        url = "://" in m.source and not any(c.isspace() for c in m.source)
        props = [("prodgate:mcp.source", m.source), *(("prodgate:mcp.access", x) for x in m.access)]
        out.append(
            Service(
                name=m.name,
                group="mcp",
                bom_ref=refs(f"{comp.bom_ref.value}/mcp:{m.name}"),
                endpoints=[XsUri(m.source)] if url else None,
                properties=[Property(name=k, value=v) for k, v in props],
            )
        )
    return out


def _services(inv: Inventory, refs: _Refs) -> list[Service]:
    """Every service the BOM lists, built here and only here: the hosted AI APIs that
    undeclared code calls or holds a key for (one per provider and signature, with
    each place it was found)."""
    from cyclonedx.model import Property
    from cyclonedx.model.contact import OrganizationalEntity
    from cyclonedx.model.service import Service

    found: dict[tuple[str | None, str], list[Detection]] = {}
    for d in inv.undeclared:
        if d.kind in SERVICE_KINDS:
            found.setdefault((d.provider, d.signature), []).append(d)
    services = []
    for (provider, signature), places in found.items():
        props = [("prodgate:undeclared", "true"), ("prodgate:signature", signature)]
        props += [("prodgate:location", f"{d.path}:{d.line}") for d in places]
        props += [("prodgate:kind", k) for k in sorted({d.kind for d in places})]
        services.append(
            Service(
                name=signature,
                provider=OrganizationalEntity(name=provider) if provider else None,
                bom_ref=refs(f"undeclared-service:{provider or ''}/{signature}"),
                properties=[Property(name=k, value=v) for k, v in props],
            )
        )
    return services


def _attach(components: list[dict[str, Any]], blocks: _Blocks) -> None:
    for c in components:
        r = c.get("bom-ref", "")
        if r in blocks.cards:
            c["modelCard"] = blocks.cards[r]
        if r in blocks.datas:
            c["data"] = [blocks.datas[r]]
        _attach(c.get("components", []), blocks)
