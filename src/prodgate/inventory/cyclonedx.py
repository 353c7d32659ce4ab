"""The inventory as a CycloneDX 1.6 ML-BOM, written with cyclonedx-python-lib.

The repository is the BOM's subject; each asset is an application component that owns
(nests, and depends on) a ``machine-learning-model`` component per declared model and
a ``data`` component per data source; undeclared AI found by discovery is listed as
model components marked ``prodgate:undeclared``. Gate facts that CycloneDX has no field
for (tier, stage, owners, exceptions, review) are properties in the ``prodgate:``
namespace.

cyclonedx-python-lib builds and serialises everything but the two ML-BOM blocks it
does not model yet (a component's ``modelCard`` and ``data``); those are added to its
JSON output by reference to the components' ``bom-ref``. The tests validate the result
with the library's own JSON-schema validator, so the additions are held to the
standard's schema like the rest.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any, TextIO

from prodgate.inventory.model import AssetEntry, EvalEntry, Inventory, Model

EXTRA_HINT = "pip install 'prodgate[cyclonedx]' (or cyclonedx-python-lib)"


class MissingDependency(Exception):
    """cyclonedx-python-lib is not installed."""


def write_cyclonedx(inv: Inventory, out: TextIO) -> None:
    from prodgate.hygiene import json_text

    out.write(json_text(json.dumps(to_bom_dict(inv), indent=2, ensure_ascii=False)) + "\n")


def to_bom_dict(inv: Inventory) -> dict[str, Any]:
    try:
        from cyclonedx.model import Property
        from cyclonedx.model.bom import Bom
        from cyclonedx.model.component import Component, ComponentType
        from cyclonedx.model.contact import OrganizationalContact
        from cyclonedx.output.json import JsonV1Dot6
    except ImportError as exc:
        raise MissingDependency(f"--format cyclonedx needs cyclonedx-python-lib: {EXTRA_HINT}") from exc

    bom = Bom()
    bom.metadata.component = Component(
        name=inv.repository, version=inv.commit or None, type=ComponentType.APPLICATION, bom_ref="repository"
    )
    bom.metadata.properties.add(Property(name="prodgate:gate", value=inv.gate))
    bom.metadata.properties.add(Property(name="prodgate:policy.sha256", value=inv.policy_sha256))
    cards: dict[str, dict[str, Any]] = {}
    datas: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    assets: list[Component] = []

    def ref(candidate: str) -> str:
        out, n = candidate, 1
        while out in used:
            n += 1
            out = f"{candidate}#{n}"
        used.add(out)
        return out

    for a in inv.assets:
        asset_ref = ref(f"asset:{a.name}")
        data_refs = []
        children = []
        for s in a.data_sources:
            r = ref(f"{asset_ref}/data:{s.name}")
            data_refs.append(r)
            children.append(Component(name=s.name, type=ComponentType.DATA, bom_ref=r))
            datas[r] = {
                "type": "dataset",
                "name": s.name,
                "classification": s.classification,
                **({"sensitiveData": ["personal data"]} if s.personal_data else {}),
            }
        targets = _eval_targets(a)
        for m in a.models:
            r = ref(f"{asset_ref}/model:{m.provider}/{m.name}" + (f"@{m.version}" if m.version else ""))
            children.append(
                Component(
                    name=m.name, group=m.provider, version=m.version, type=ComponentType.MACHINE_LEARNING_MODEL, bom_ref=r
                )
            )
            cards[r] = _model_card(a, [e for e in a.evals if m in targets[e.name]], data_refs)
        authors = (
            [OrganizationalContact(name=a.owner.name, email=a.owner.email)] if a.owner is not None else []
        )
        comp = Component(
            name=a.name,
            type=ComponentType.APPLICATION,
            bom_ref=asset_ref,
            description=a.description,
            authors=authors,
            properties=[Property(name=k, value=v) for k, v in _properties(a)],
            components=children,
        )
        services = _mcp_services(a, asset_ref, ref)
        bom.components.add(comp)
        bom.services.update(services)
        bom.register_dependency(comp, [*children, *services])
        assets.append(comp)
    for d in inv.undeclared:
        r = ref(f"undeclared:{d.path}:{d.line}")
        bom.components.add(
            Component(
                name=d.model or d.signature,
                group=d.provider,
                type=ComponentType.MACHINE_LEARNING_MODEL,
                bom_ref=r,
                properties=[
                    Property(name="prodgate:undeclared", value="true"),
                    Property(name="prodgate:location", value=f"{d.path}:{d.line}"),
                    Property(name="prodgate:kind", value=d.kind),
                ],
            )
        )
    bom.register_dependency(bom.metadata.component, assets)
    with warnings.catch_warnings():
        # The library warns on stderr that the repository component "has no defined
        # dependencies"; a repository is the subject of the BOM, not a package with
        # dependencies, and the warning would be noise in every run.
        warnings.simplefilter("ignore", UserWarning)
        doc: dict[str, Any] = json.loads(JsonV1Dot6(bom).output_as_string())
    _attach(doc.get("components", []), cards, datas)
    return doc


def _properties(a: AssetEntry) -> list[tuple[str, str]]:
    props = [
        ("prodgate:path", a.path),
        ("prodgate:tier", a.tier),
        ("prodgate:effective_tier", a.effective_tier),
        ("prodgate:stage", a.stage),
        ("prodgate:gate", "passed" if a.gate.passed else "failed"),
    ]
    if a.owner is not None:
        props += [("prodgate:owner", a.owner.name), ("prodgate:owner.email", a.owner.email)]
    if a.business_owner is not None:
        props += [("prodgate:business_owner", a.business_owner.name)]
    if a.review.next_due:
        props.append(("prodgate:review.next_due", a.review.next_due))
    props.append(("prodgate:review.overdue", "true" if a.review.overdue else "false"))
    for e in a.exceptions:
        if e.active:
            props.append(("prodgate:exception", f"{e.ticket} {e.requirement} until {e.expires}"))
    from prodgate.inventory.writers import agent_tools

    props += [("prodgate:agent.tool", t) for t in agent_tools(a)]
    if a.agent_effect:
        props.append(("prodgate:agent.effect", a.agent_effect))
    return props


def _mcp_services(a: AssetEntry, asset_ref: str, ref: Callable[[str], str]) -> list[Any]:
    """The asset's MCP servers as CycloneDX services (the asset depends on them): a URL
    source is the service's endpoint; any source, and what the server may access, are
    properties, since a package or an image run over stdio has no endpoint."""
    from cyclonedx.model import Property, XsUri
    from cyclonedx.model.service import Service

    out = []
    for m in a.mcp_servers:
        url = "://" in m.source and not any(c.isspace() for c in m.source)
        props = [Property(name="prodgate:mcp.source", value=m.source)]
        props += [Property(name="prodgate:mcp.access", value=x) for x in m.access]
        out.append(Service(
            name=m.name, bom_ref=ref(f"{asset_ref}/mcp:{m.name}"), group="mcp",
            endpoints=[XsUri(m.source)] if url else None, properties=props,
        ))
    return out


def _eval_targets(a: AssetEntry) -> dict[str, list[Model]]:
    """Which of the asset's models each eval is evidence about: the models its results
    name (matched as the gate matches them), else all of them (a JUnit suite or a
    custom harness names no model; it tests the asset as a whole)."""
    from prodgate.evals.models import matches, names_a_model, split
    from prodgate.manifest.model import ModelRef

    refs = [(m, ModelRef(provider=m.provider, name=m.name, version=m.version)) for m in a.models]
    out: dict[str, list[Model]] = {}
    for e in a.evals:
        named = [m for m, r in refs if e.model and names_a_model(e.model) and matches(split(e.model), r)]
        out[e.name] = named or [m for m, _r in refs]
    return out


def _model_card(a: AssetEntry, evals: list[EvalEntry], data_refs: list[str]) -> dict[str, Any]:
    metrics = [
        {"type": m.name, "value": repr(m.value), "slice": e.name}
        for e in evals
        for m in e.metrics
        if m.value is not None
    ]
    card: dict[str, Any] = {}
    if data_refs:
        card["modelParameters"] = {"datasets": [{"ref": r} for r in data_refs]}
    if metrics:
        card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    if a.description:
        card["considerations"] = {"useCases": [a.description]}
    return card


def _attach(components: list[dict[str, Any]], cards: dict[str, dict[str, Any]], datas: dict[str, dict[str, Any]]) -> None:
    for c in components:
        r = c.get("bom-ref", "")
        if r in cards:
            c["modelCard"] = cards[r]
        if r in datas:
            c["data"] = [datas[r]]
        _attach(c.get("components", []), cards, datas)
