"""Every way one policy is weaker (or stricter) than another.

``extends: builtin`` merges mappings key by key and replaces lists whole, so one line
can drop a control: a new entry under ``placeholders:`` replaces the built-in list, and
``<fill in>`` stops counting as unfilled. Such a policy may be what its authors meant;
it must never be what nobody noticed. ``prodgate policy`` and every gate run say it.

Compared on the plain data of both policies (as ``prodgate policy`` prints them), so
the comparison needs no model and names things as the policy file does.

One comparison serves both directions: what makes ``new`` weaker than ``old`` is found
by comparing ``old`` with ``new``; what makes it stricter is what would make ``old``
weaker than ``new``, found by the same comparison the other way round and worded by
:data:`_BACKWARD` (``removed`` becomes ``added``, "lowered from a to b" becomes "raised
from b to a"). ``prodgate policy diff`` lists both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

TIERS = ("team", "departmental", "enterprise")
_SEVERITY_RANK = {"error": 0, "warning": 1, "note": 2}
_THRESHOLD = re.compile(r"^\s*(>=|>|<=|<|==)\s*(-?[0-9.]+)\s*$")


@dataclass(frozen=True)
class _Words:
    """How a change from ``base`` to ``effective`` is said: forward, as a weakening of
    ``effective``; backward (the two swapped), as a strengthening of ``base``."""

    removed: str
    lowered: str
    raised: str
    turned_off: str
    disabled: str
    no_longer_applies: str
    leaves_out: str
    exempts: str
    backward: bool

    def change(self, where: str, verb: str, was: Any, now: Any) -> str:
        """``where`` went from ``was`` to ``now`` (as seen forward)."""
        return f"{where} {verb} from {now} to {was}" if self.backward else f"{where} {verb} from {was} to {now}"

    def gone(self, where: str, was: Any) -> str:
        return f"{where} {self.removed} ({was})" if self.backward else f"{where} {self.removed} (was {was})"


_FORWARD = _Words("removed", "lowered", "raised", "turned off", "disabled", "no longer applies at", "leaves out",
                  "adds", backward=False)
_BACKWARD = _Words("added", "raised", "lowered", "turned on", "enabled", "now applies at", "no longer leaves out",
                   "no longer exempts", backward=True)


@dataclass(frozen=True)
class Difference:
    """One difference between two policies: ``stricter`` or ``weaker`` for the new one."""

    direction: str
    text: str


def weakenings(base: Any, effective: Any) -> list[str]:
    """One line per weakening, in the policy's order of sections."""
    return _compare(base, effective, _FORWARD) + _enforcement(effective)


def differences(old: Any, new: Any) -> list[Difference]:
    """Every difference of ``new`` from ``old`` that makes it weaker or stricter:
    the weakenings first, then the strengthenings, each in the policy's order."""
    weaker = [Difference("weaker", t) for t in _compare(old, new, _FORWARD)]
    stricter = [Difference("stricter", t) for t in _compare(new, old, _BACKWARD)]
    was, now = _enforcement(old), _enforcement(new)
    weaker += [Difference("weaker", t) for t in now if t not in was]
    stricter += [Difference("stricter", "{}: no longer {}".format(*t.split(": ", 1))) for t in was if t not in now]
    return weaker + stricter


def _compare(base: Any, effective: Any, w: _Words) -> list[str]:
    if not isinstance(base, dict) or not isinstance(effective, dict):
        return []
    out: list[str] = []
    out += _placeholders(base, effective, w)
    out += _artifacts(_map(base, "artifacts"), _map(effective, "artifacts"), w)
    out += _requirements(_map(base, "requirements"), _map(effective, "requirements"), w)
    for section in ("risk_floors", "risk_requirements"):
        _kept(section, _map(base, section), _map(effective, section), out, w)
    out += _evals(_map(base, "evals"), _map(effective, "evals"), w)
    out += _more_days("review_cadence_days", _map(base, "review_cadence_days"), _map(effective, "review_cadence_days"), w)
    out += _exceptions(_map(base, "exceptions"), _map(effective, "exceptions"), w)
    out += _rules(_map(base, "rules"), _map(effective, "rules"), w)
    out += _discovery(_map(base, "discovery"), _map(effective, "discovery"), w)
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


def _placeholders(base: dict[str, Any], effective: dict[str, Any], w: _Words) -> list[str]:
    kept = _list(effective, "placeholders")
    gone = [_label(p) for p in _list(base, "placeholders") if p not in kept]
    if not gone:
        return []
    if w.backward:
        return [f"placeholders added: {', '.join(gone)}"]
    return [
        f"placeholders removed: {', '.join(gone)} (a list is replaced whole; "
        "`placeholders: {add: [...]}` adds to the built-in one)"
    ]


def _headings(items: list[Any]) -> set[str]:
    return {_label(i) for i in items}


def _kept(
    section: str, base: dict[str, Any], effective: dict[str, Any], out: list[str], w: _Words
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The named entries of ``section`` both policies have, as (name, base, effective);
    the ones the effective policy removed are reported into ``out``."""
    both = []
    for name, spec in base.items():
        mine = effective.get(name)
        if not isinstance(mine, dict):
            out.append(f"{section}.{name} {w.removed}")
        elif isinstance(spec, dict):
            both.append((name, spec, mine))
    return both


def _artifacts(base: dict[str, Any], effective: dict[str, Any], w: _Words) -> list[str]:
    out: list[str] = []
    for kind, spec, mine in _kept("artifacts", base, effective, out, w):
        gone = _headings(_list(spec, "required_headings")) - _headings(_list(mine, "required_headings"))
        if gone:
            out.append(f"artifacts.{kind}.required_headings {w.removed}: {', '.join(sorted(gone))}")
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


def _requirements(base: dict[str, Any], effective: dict[str, Any], w: _Words) -> list[str]:
    out: list[str] = []
    for rid, spec, mine in _kept("requirements", base, effective, out, w):
        for cells in ("when", "at_deploy"):
            for tier in TIERS:
                gone = _stages(spec.get(cells), tier) - _stages(mine.get(cells), tier) - _stages(mine.get("when"), tier)
                if gone:
                    out.append(f"requirements.{rid}.{cells}.{tier} {w.no_longer_applies} {', '.join(sorted(gone))}")
    return out


def _more_days(where: str, base: dict[str, Any], effective: dict[str, Any], w: _Words) -> list[str]:
    """Limits in days where more is weaker (eval age, review cadence, exception length)."""
    out = []
    for tier, days in base.items():
        mine = effective.get(tier)
        if mine is None:
            out.append(w.gone(f"{where}.{tier}", days))
        elif isinstance(mine, int) and isinstance(days, int) and mine > days:
            out.append(w.change(f"{where}.{tier}", w.raised, days, mine))
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


def _evals(base: dict[str, Any], effective: dict[str, Any], w: _Words) -> list[str]:
    out = _more_days("evals.max_age_days", _map(base, "max_age_days"), _map(effective, "max_age_days"), w)
    counts, mine_counts = _map(base, "min_count"), _map(effective, "min_count")
    for tier, count in counts.items():
        mine = mine_counts.get(tier)
        if mine is None or (isinstance(mine, int) and isinstance(count, int) and mine < count):
            out.append(w.change(f"evals.min_count.{tier}", w.lowered, count, mine if mine is not None else 0))
    cats, mine_cats = _map(base, "required_categories"), _map(effective, "required_categories")
    for tier, names in cats.items():
        gone = set(names if isinstance(names, list) else []) - set(_list(mine_cats, tier))
        if gone:
            out.append(f"evals.required_categories.{tier} {w.removed}: {', '.join(sorted(map(str, gone)))}")
    limits, mine_limits = _map(base, "minimum_thresholds"), _map(effective, "minimum_thresholds")
    for tier, metrics in limits.items():
        mine = _map(mine_limits, tier)
        for metric, threshold in (metrics if isinstance(metrics, dict) else {}).items():
            if metric not in mine:
                out.append(w.gone(f"evals.minimum_thresholds.{tier}.{metric}", threshold))
            elif _lower_threshold(threshold, mine[metric]):
                out.append(w.change(f"evals.minimum_thresholds.{tier}.{metric}", w.lowered, threshold, mine[metric]))
    return out


def _exceptions(base: dict[str, Any], effective: dict[str, Any], w: _Words) -> list[str]:
    out = []
    for key in ("required_approvals", "required_owners"):
        gone = [str(r) for r in _list(base, key) if r not in _list(effective, key)]
        if gone:
            out.append(f"exceptions.{key} {w.removed}: {', '.join(gone)}")
    out += _more_days("exceptions.max_days", _map(base, "max_days"), _map(effective, "max_days"), w)
    if base.get("distinct_approvers") is True and effective.get("distinct_approvers") is False:
        out.append(f"exceptions.distinct_approvers {w.turned_off}")
    if base.get("verify") and not effective.get("verify"):
        out.append(f"exceptions.verify {w.turned_off}")
    return out


def _rules(base: dict[str, Any], effective: dict[str, Any], w: _Words) -> list[str]:
    from prodgate.rules.registry import RULES

    out = []
    for rule_id, override in effective.items():
        if not isinstance(override, dict):
            continue
        if override.get("enabled") is False and _map(base, rule_id).get("enabled") is not False:
            out.append(f"rules.{rule_id} {w.disabled}")
            continue
        severity = override.get("severity")
        rule = RULES.get(rule_id)
        was = _map(base, rule_id).get("severity") or (rule.severity.value if rule is not None else None)
        if severity in _SEVERITY_RANK and was in _SEVERITY_RANK and _SEVERITY_RANK[severity] > _SEVERITY_RANK[was]:
            out.append(w.change(f"rules.{rule_id}", w.lowered, was, severity))
    return out


def _discovery(base: dict[str, Any], effective: dict[str, Any], w: _Words) -> list[str]:
    out = []
    if base.get("enabled", True) is not False and effective.get("enabled", True) is False:
        out.append(f"discovery {w.turned_off}")
    dropped = [str(d) for d in _list(effective, "drop") if d not in _list(base, "drop")]
    if dropped:
        out.append(f"discovery.drop {w.leaves_out}: {', '.join(dropped)}")
    exempt = [_label(e.get("path") if isinstance(e, dict) else e) for e in _list(effective, "exempt")
              if e not in _list(base, "exempt")]
    if exempt:
        out.append(f"discovery.exempt {w.exempts}: {', '.join(exempt)}")
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
