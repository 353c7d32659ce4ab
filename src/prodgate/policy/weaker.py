"""Every way an extending policy is weaker than the policy it extends.

``extends: builtin`` merges mappings key by key and replaces lists whole, so one line
can drop a control: a new entry under ``placeholders:`` replaces the built-in list, and
``<fill in>`` stops counting as unfilled. Such a policy may be what its authors meant;
it must never be what nobody noticed. ``prodgate policy`` and every gate run say it.

Compared on the plain data of both policies (as ``prodgate policy`` prints them), so
the comparison needs no model and names things as the policy file does.
"""

from __future__ import annotations

import re
from typing import Any

TIERS = ("team", "departmental", "enterprise")
_SEVERITY_RANK = {"error": 0, "warning": 1, "note": 2}
_THRESHOLD = re.compile(r"^\s*(>=|>|<=|<|==)\s*(-?[0-9.]+)\s*$")


def weakenings(base: Any, effective: Any) -> list[str]:
    """One line per weakening, in the policy's order of sections."""
    if not isinstance(base, dict) or not isinstance(effective, dict):
        return []
    out: list[str] = []
    out += _placeholders(base, effective)
    out += _artifacts(_map(base, "artifacts"), _map(effective, "artifacts"))
    out += _requirements(_map(base, "requirements"), _map(effective, "requirements"))
    for section in ("risk_floors", "risk_requirements"):
        _kept(section, _map(base, section), _map(effective, section), out)
    out += _evals(_map(base, "evals"), _map(effective, "evals"))
    out += _more_days("review_cadence_days", _map(base, "review_cadence_days"), _map(effective, "review_cadence_days"))
    out += _exceptions(_map(base, "exceptions"), _map(effective, "exceptions"))
    out += _rules(_map(base, "rules"), _map(effective, "rules"))
    out += _discovery(_map(base, "discovery"), _map(effective, "discovery"))
    out += _enforcement(effective)
    return out


def _map(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _label(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("label") or item.get("text") or item.get("regex") or item.get("heading") or item)
    return str(item)


def _placeholders(base: dict[str, Any], effective: dict[str, Any]) -> list[str]:
    kept = _list(effective, "placeholders")
    gone = [_label(p) for p in _list(base, "placeholders") if p not in kept]
    if not gone:
        return []
    return [
        f"placeholders removed: {', '.join(gone)} (a list is replaced whole; "
        "`placeholders: {add: [...]}` adds to the built-in one)"
    ]


def _headings(items: list[Any]) -> set[str]:
    return {_label(i) for i in items}


def _kept(
    section: str, base: dict[str, Any], effective: dict[str, Any], out: list[str]
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The named entries of ``section`` both policies have, as (name, base, effective);
    the ones the effective policy removed are reported into ``out``."""
    both = []
    for name, spec in base.items():
        mine = effective.get(name)
        if not isinstance(mine, dict):
            out.append(f"{section}.{name} removed")
        elif isinstance(spec, dict):
            both.append((name, spec, mine))
    return both


def _artifacts(base: dict[str, Any], effective: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for kind, spec, mine in _kept("artifacts", base, effective, out):
        gone = _headings(_list(spec, "required_headings")) - _headings(_list(mine, "required_headings"))
        if gone:
            out.append(f"artifacts.{kind}.required_headings removed: {', '.join(sorted(gone))}")
    return out


def _stages(cells: Any, tier: str) -> set[str]:
    from prodgate.policy.model import expand_stages

    value = cells.get(tier) if isinstance(cells, dict) else None
    if value is None:
        return set()
    try:
        return set(expand_stages(value))
    except TypeError:
        return set()


def _requirements(base: dict[str, Any], effective: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for rid, spec, mine in _kept("requirements", base, effective, out):
        for cells in ("when", "at_deploy"):
            for tier in TIERS:
                gone = _stages(spec.get(cells), tier) - _stages(mine.get(cells), tier) - _stages(mine.get("when"), tier)
                if gone:
                    out.append(f"requirements.{rid}.{cells}.{tier} no longer applies at {', '.join(sorted(gone))}")
    return out


def _more_days(where: str, base: dict[str, Any], effective: dict[str, Any]) -> list[str]:
    """Limits in days where more is weaker (eval age, review cadence, exception length)."""
    out = []
    for tier, days in base.items():
        mine = effective.get(tier)
        if mine is None:
            out.append(f"{where}.{tier} removed (was {days})")
        elif isinstance(mine, int) and isinstance(days, int) and mine > days:
            out.append(f"{where}.{tier} raised from {days} to {mine}")
    return out


def _lower_threshold(base: str, mine: str) -> bool:
    a, b = _THRESHOLD.match(str(base)), _THRESHOLD.match(str(mine))
    if not a or not b:
        return str(base) != str(mine)
    try:
        x, y = float(a[2]), float(b[2])
    except ValueError:
        return True
    if a[1] != b[1]:
        return True
    if a[1] in (">=", ">"):
        return y < x
    if a[1] in ("<=", "<"):
        return y > x
    return y != x


def _evals(base: dict[str, Any], effective: dict[str, Any]) -> list[str]:
    out = _more_days("evals.max_age_days", _map(base, "max_age_days"), _map(effective, "max_age_days"))
    counts, mine_counts = _map(base, "min_count"), _map(effective, "min_count")
    for tier, count in counts.items():
        mine = mine_counts.get(tier)
        if mine is None or (isinstance(mine, int) and isinstance(count, int) and mine < count):
            out.append(f"evals.min_count.{tier} lowered from {count} to {mine if mine is not None else 0}")
    cats, mine_cats = _map(base, "required_categories"), _map(effective, "required_categories")
    for tier, names in cats.items():
        gone = set(names if isinstance(names, list) else []) - set(_list(mine_cats, tier))
        if gone:
            out.append(f"evals.required_categories.{tier} removed: {', '.join(sorted(map(str, gone)))}")
    limits, mine_limits = _map(base, "minimum_thresholds"), _map(effective, "minimum_thresholds")
    for tier, metrics in limits.items():
        mine = _map(mine_limits, tier)
        for metric, threshold in (metrics if isinstance(metrics, dict) else {}).items():
            if metric not in mine:
                out.append(f"evals.minimum_thresholds.{tier}.{metric} removed (was {threshold})")
            elif _lower_threshold(threshold, mine[metric]):
                out.append(f"evals.minimum_thresholds.{tier}.{metric} lowered from {threshold} to {mine[metric]}")
    return out


def _exceptions(base: dict[str, Any], effective: dict[str, Any]) -> list[str]:
    out = []
    for key in ("required_approvals", "required_owners"):
        gone = [str(r) for r in _list(base, key) if r not in _list(effective, key)]
        if gone:
            out.append(f"exceptions.{key} removed: {', '.join(gone)}")
    out += _more_days("exceptions.max_days", _map(base, "max_days"), _map(effective, "max_days"))
    if base.get("distinct_approvers") is True and effective.get("distinct_approvers") is False:
        out.append("exceptions.distinct_approvers turned off")
    if base.get("verify") and not effective.get("verify"):
        out.append("exceptions.verify turned off")
    return out


def _rules(base: dict[str, Any], effective: dict[str, Any]) -> list[str]:
    from prodgate.rules.registry import RULES

    out = []
    for rule_id, override in effective.items():
        if not isinstance(override, dict):
            continue
        if override.get("enabled") is False and _map(base, rule_id).get("enabled") is not False:
            out.append(f"rules.{rule_id} disabled")
            continue
        severity = override.get("severity")
        rule = RULES.get(rule_id)
        was = _map(base, rule_id).get("severity") or (rule.severity.value if rule is not None else None)
        if severity in _SEVERITY_RANK and was in _SEVERITY_RANK and _SEVERITY_RANK[severity] > _SEVERITY_RANK[was]:
            out.append(f"rules.{rule_id} lowered from {was} to {severity}")
    return out


def _discovery(base: dict[str, Any], effective: dict[str, Any]) -> list[str]:
    out = []
    if base.get("enabled", True) is not False and effective.get("enabled", True) is False:
        out.append("discovery turned off")
    dropped = [str(d) for d in _list(effective, "drop") if d not in _list(base, "drop")]
    if dropped:
        out.append(f"discovery.drop leaves out: {', '.join(dropped)}")
    exempt = [_label(e.get("path") if isinstance(e, dict) else e) for e in _list(effective, "exempt")
              if e not in _list(base, "exempt")]
    if exempt:
        out.append(f"discovery.exempt adds: {', '.join(exempt)}")
    return out


def _enforcement(effective: dict[str, Any]) -> list[str]:
    """Advisory periods: findings that do not block (yet)."""
    out = []

    def describe(where: str, spec: Any) -> None:
        if not isinstance(spec, dict):
            return
        if spec.get("mode") == "advisory":
            out.append(f"{where}: advisory (reported, never blocks)")
        elif spec.get("block_from") is not None:
            out.append(f"{where}: advisory until {spec['block_from']}")
        for tier, sub in _map(spec, "tiers").items():
            describe(f"{where}.tiers.{tier}", sub)

    describe("enforcement", effective.get("enforcement"))
    for rule_id, override in _map(effective, "rules").items():
        describe(f"rules.{rule_id}.enforcement", _map({"x": override}, "x").get("enforcement"))
    return out
