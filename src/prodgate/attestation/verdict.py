"""What a deploy job checks in a gate verdict before it admits a release.

Each check returns the one reason it refuses, in a fixed order (what the statement is,
what it is about, what it says, when it was said), so a refusal always names the first
thing that does not hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prodgate.attestation.statement import (
    STATEMENT_TYPE,
    VERIFIER_ID,
    VSA_TYPE,
    Subject,
    gate_level,
)

FUTURE_SKEW = dt.timedelta(minutes=5)
"""A verdict from the future by more than a clock's drift is refused."""


@dataclass(frozen=True)
class Expected:
    commit: str
    gate: str
    policy_sha256: str | None
    max_age: dt.timedelta | None
    subjects: tuple[Subject, ...]
    now: dt.datetime


@dataclass(frozen=True)
class Accepted:
    """A verdict that holds: what it says, for the one line printed."""

    gate: str
    commit: str
    policy_sha256: str
    age: dt.timedelta


def judge(statement: Any, expected: Expected) -> Accepted | str:
    """The verdict in ``statement`` if it admits ``expected``, else why not."""
    shape = shape_error(statement)
    if shape:
        return f"statement: {shape}"
    predicate: dict[str, Any] = statement["predicate"]
    if predicate["verifier"]["id"] != VERIFIER_ID:
        return f"the verdict is not prodgate's: verifier.id is {_show(predicate['verifier']['id'])}"
    uri: str = predicate["resourceUri"]
    commit = uri.rpartition("@")[2].lower() if "@" in uri else ""
    if commit != expected.commit:
        return f"the verdict is about commit {_show(commit or uri)}, not {expected.commit}"
    subjects: list[dict[str, Any]] = statement["subject"]
    names_commit = any(s["digest"].get("gitCommit", "").lower() == expected.commit for s in subjects)
    if not expected.subjects and not names_commit:
        return f"the verdict's subject is not commit {expected.commit}"
    for want in expected.subjects:
        if not any(s["digest"].get("sha256", "").lower() == want.sha256 for s in subjects):
            return f"the verdict's subjects do not include {want.name} (sha256 {want.sha256})"
    result = predicate["verificationResult"]
    if result != "PASSED":
        return f"the gate's verdict is {_show(result)}"
    level = gate_level(expected.gate)
    if level not in predicate["verifiedLevels"]:
        shown = ", ".join(_show(v) for v in predicate["verifiedLevels"][:8]) or "none"
        return f"the verdict is not the {expected.gate} gate's: verifiedLevels has {shown}, not {level}"
    digest = str(predicate["policy"]["digest"].get("sha256", "")).lower()
    if expected.policy_sha256 is not None and digest != expected.policy_sha256:
        return f"the verdict was judged by the policy with sha256 {_show(digest) or 'none'}, not {expected.policy_sha256}"
    when = _time(predicate["timeVerified"])
    if when is None:
        return f"statement: predicate.timeVerified {_show(predicate['timeVerified'])} is not an RFC 3339 time"
    age = expected.now - when
    if age < -FUTURE_SKEW:
        return f"the verdict is dated in the future ({predicate['timeVerified']})"
    if expected.max_age is not None and age > expected.max_age:
        return f"the verdict is stale: judged {duration_text(age)} ago ({predicate['timeVerified']}), --max-age is {duration_text(expected.max_age)}"
    return Accepted(expected.gate, expected.commit, digest, age)


def shape_error(doc: Any) -> str:
    """What the statement lacks of the in-toto Statement v1 and VSA v1 field rules that
    the checks read; empty when it has it all."""
    if not isinstance(doc, dict):
        return "not a JSON object"
    if doc.get("_type") != STATEMENT_TYPE:
        return f"_type is {_show(doc.get('_type'))}, not {STATEMENT_TYPE}"
    if doc.get("predicateType") != VSA_TYPE:
        return f"predicateType is {_show(doc.get('predicateType'))}, not {VSA_TYPE}"
    subjects = doc.get("subject")
    if not isinstance(subjects, list) or not subjects:
        return "subject is missing or empty"
    for i, s in enumerate(subjects):
        if not isinstance(s, dict) or not _digest_set(s.get("digest")):
            return f"subject[{i}] has no digest"
    p = doc.get("predicate")
    if not isinstance(p, dict):
        return "predicate is not an object"
    verifier = p.get("verifier")
    if not isinstance(verifier, dict) or not isinstance(verifier.get("id"), str):
        return "predicate.verifier.id is missing"
    for name in ("timeVerified", "resourceUri", "verificationResult"):
        if not isinstance(p.get(name), str):
            return f"predicate.{name} is missing"
    policy = p.get("policy")
    if not isinstance(policy, dict) or not isinstance(policy.get("uri"), str) or not _digest_set(policy.get("digest")):
        return "predicate.policy needs a uri and a digest"
    levels = p.get("verifiedLevels")
    if not isinstance(levels, list) or not all(isinstance(v, str) for v in levels):
        return "predicate.verifiedLevels is not a list of strings"
    return ""


def _digest_set(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(isinstance(v, str) for v in value.values())


def _time(value: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def parse_duration(value: str) -> dt.timedelta | None:
    """``90s``, ``30m``, ``24h``, ``7d``; None when it is none of these."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = value[:-1], value[-1:]
    if unit not in units or not number.isdecimal() or len(number) > 9:
        return None
    return dt.timedelta(seconds=int(number) * units[unit])


def duration_text(delta: dt.timedelta) -> str:
    """``25h``, ``3d``, ``1h30m``, ``45s``: hours up to three days, as ``--max-age`` is
    usually written."""
    seconds = int(delta.total_seconds())
    if seconds >= 3 * 86400:
        return f"{seconds // 86400}d"
    if seconds >= 3600:
        minutes = (seconds % 3600) // 60
        return f"{seconds // 3600}h" + (f"{minutes:02d}m" if minutes else "")
    return f"{seconds // 60}m" if seconds >= 60 else f"{seconds}s"


def _show(value: Any) -> str:
    """A value from the statement, quoted and cut short: it is the attacker's text."""
    text = value if isinstance(value, str) else repr(value)
    return repr(text[:80] + ("…" if len(text) > 80 else ""))


def newest_first(statements: Sequence[Any]) -> list[Any]:
    """gh's output may hold several verdicts on one artifact (re-runs): the newest decides
    the reason shown when none holds."""

    def key(doc: Any) -> str:
        try:
            return str(doc["predicate"]["timeVerified"])
        except (TypeError, KeyError):
            return ""

    return sorted(statements, key=key, reverse=True)
