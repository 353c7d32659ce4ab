"""Resolve the effective policy: the built-in one, or an organisation's that extends it.

A policy problem is a configuration error (exit 2), reported as ``file:line:col`` of the
offending node, because a gate with a broken policy must not silently pass or fail
every change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodgate.fsutil import FileProblem, decode_text
from prodgate.policy.model import Policy
from prodgate.templates import read_template
from prodgate.yamlio.loader import YamlDocument, YamlProblem, load_shipped, load_yaml

if TYPE_CHECKING:
    from pydantic import ValidationError

BUILTIN = "builtin"


class PolicyError(Exception):
    """The policy cannot be used; the message says where and why."""


@dataclass(frozen=True)
class EffectivePolicy:
    policy: Policy
    source: str
    sha256: str
    data: dict[str, Any]
    """The merged policy as plain data, as ``prodgate policy`` prints it."""
    source_sha256: str = ""
    """The canonical digest of the policy file's content (:mod:`prodgate.policy.pin`),
    the value to pin with ``--policy-sha256``."""
    folder: Path | None = None
    """The policy file's folder, where its own templates are (:mod:`prodgate.policy.bundle`)."""
    base_url: str | None = None
    """The policy's URL, when it was downloaded: its templates are beside it."""
    notices: tuple[str, ...] = ()
    """Warnings about how the policy was had (a cached copy stood in for the server)."""
    weaker: tuple[str, ...] = ()
    """Every way the effective policy is weaker than the built-in one it extends."""


def load_policy(
    path: str | None = None, pin: str | None = None, *, templates: bool = True
) -> EffectivePolicy:
    """The built-in policy, or the policy at ``path`` (a file or an http(s) URL) merged
    over it. ``pin`` is the expected digest of the policy (:mod:`prodgate.policy.pin`).
    ``templates``: check that every ``template:`` names a file (False for a copy read
    from a base commit into a temporary folder, which holds the policy file alone)."""
    from prodgate.policy.pin import canonical_digest, normalise

    wanted = None
    if pin is not None:
        wanted = normalise(pin)
        if wanted is None:
            raise PolicyError(f"--policy-sha256 {pin.strip()!r}: expected 64 hex digits, optionally after 'sha256:'")
    builtin_text = read_template("policy.yaml")
    if path is None or path == BUILTIN:
        raw = builtin_text.encode()
        # The built-in policy ships with prodgate and a test validates it: read it
        # without positions (only a policy file's errors need them) and build it
        # without pydantic, whose import and models were most of a small run's start-up.
        from prodgate.construct import construct

        data = load_shipped(builtin_text)
        _check_pin(raw, data, wanted, BUILTIN)
        policy = _effective(construct(Policy, data), data, BUILTIN)
        return dataclasses.replace(policy, source_sha256=canonical_digest(data))
    builtin_doc = _parse(builtin_text, "builtin policy.yaml")
    raw, notices = _read_source(path, wanted)
    text = decode_text(raw)
    if isinstance(text, FileProblem):
        raise PolicyError(f"{path}: {text.message}")
    doc = _parse(text, path)
    _check_pin(raw, doc.data, wanted, path)
    if notices is None and wanted is not None:
        from prodgate.policy.fetch import is_url
        from prodgate.policy.pin import remember

        if is_url(path):
            remember(wanted, raw)
    base_url = path if _is_url(path) else None
    folder = None if base_url else Path(path).parent
    policy = _load_doc(doc, path, builtin_doc)
    if templates:
        _check_templates(policy, folder, base_url, [(doc, path), (builtin_doc, "builtin policy.yaml")])
    from prodgate.policy.weaker import weakenings

    weaker = weakenings(builtin_doc.data, policy.data) if doc.data.get("extends") == BUILTIN else []
    return dataclasses.replace(
        policy, source_sha256=canonical_digest(doc.data), folder=folder, base_url=base_url,
        notices=tuple(notices or ()), weaker=tuple(weaker),
    )


def _is_url(path: str) -> bool:
    from prodgate.policy.fetch import is_url

    return is_url(path)


def _read_source(path: str, pin: str | None) -> tuple[bytes, list[str] | None]:
    """The policy's bytes, and the warnings of a cached copy used in the server's
    place (None when the bytes are the source's own)."""
    from prodgate.policy.fetch import MAX_POLICY_BYTES, FetchError, FetchRefused, fetch, is_url

    if is_url(path):
        try:
            return fetch(path, pinned=pin is not None), None
        except FetchRefused as exc:
            raise PolicyError(f"cannot fetch policy: {exc}") from None
        except FetchError as exc:
            from prodgate.policy.pin import recall

            cached = recall(pin, MAX_POLICY_BYTES) if pin is not None else None
            if cached is None:
                raise PolicyError(f"cannot fetch policy: {exc}") from None
            return cached[0], [
                f"cannot fetch policy: {exc}; using the copy verified earlier against the pin "
                f"({cached[1]})"
            ]
    file = Path(path)
    if not file.is_file():
        raise PolicyError(f"{path}: file does not exist" if not file.exists() else f"{path}: not a regular file")
    if file.stat().st_size > MAX_POLICY_BYTES:
        raise PolicyError(f"{path}: policy is larger than {MAX_POLICY_BYTES:,} bytes")
    try:
        return file.read_bytes(), None
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _check_pin(raw: bytes, data: Any, pin: str | None, source: str) -> None:
    from prodgate.policy.pin import canonical_digest, matches

    if pin is None or matches(pin, raw, data):
        return
    raise PolicyError(
        f"{source}: content sha256 is {canonical_digest(data)}, but --policy-sha256 pins {pin}; "
        "the policy changed: review the change and update the pin (`prodgate policy --digest`)"
    )


def _check_templates(
    policy: EffectivePolicy, folder: Path | None, base_url: str | None, docs: list[tuple[YamlDocument, str]]
) -> None:
    """Every ``template:`` names a file the policy can use: a typo is found when the
    policy is loaded, not half-way through ``prodgate init``. A downloaded policy's
    templates are downloaded only by ``init``: here their names are checked."""
    from prodgate.policy.bundle import TemplateProblem, bad_name, locate

    lines = []
    for kind, spec in policy.policy.artifacts.items():
        if spec.template is None:
            continue
        found = bad_name(spec.template) if base_url else locate(folder, spec.template)
        if isinstance(found, TemplateProblem):
            name, line, col = _place(("artifacts", kind, "template"), docs)
            lines.append(f"{name}:{line}:{col}: artifacts.{kind}.template: {found.message}")
    if lines:
        raise PolicyError("invalid policy:\n  " + "\n  ".join(lines))


def _load_doc(doc: YamlDocument, path: str, builtin_doc: YamlDocument) -> EffectivePolicy:
    if not isinstance(doc.data, dict):
        raise PolicyError(f"{path}:1:1: a policy is a mapping of keys")
    data = doc.data
    if data.get("extends") == BUILTIN:
        # What the policy does not name it is not: an organisation policy that gives
        # no name or version must not be reported as the built-in one that judged.
        merged = merge({**builtin_doc.data, "name": "", "version": ""}, data)
        return _validate(merged, [(doc, path), (builtin_doc, "builtin policy.yaml")], path)
    if "extends" in data and data["extends"] is not None:
        line, col = doc.position(("extends",))
        raise PolicyError(f"{path}:{line}:{col}: extends: only 'builtin' can be extended")
    return _validate(data, [(doc, path)], path)


def _parse(text: str, name: str) -> YamlDocument:
    loaded = load_yaml(text)
    if isinstance(loaded, YamlProblem):
        raise PolicyError(f"{name}:{loaded.line}:{loaded.column}: {loaded.message}")
    return loaded


def merge(base: Any, override: Any) -> Any:
    """Mappings merge key by key, anything else is replaced; ``null`` removes a key.
    ``{add: [...]}`` over a list extends it instead of replacing it, so an extending
    policy can add a placeholder without dropping the built-in ones."""
    if isinstance(base, list) and isinstance(override, dict) and set(override) == {"add"}:
        added = override["add"]
        return [*base, *added] if isinstance(added, list) else override
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = merge(base.get(key), value)
        return out
    return override


def _validate(data: Any, docs: list[tuple[YamlDocument, str]], source: str) -> EffectivePolicy:
    from pydantic import ValidationError

    from prodgate.construct import from_validated
    from prodgate.policy import pydantic_model

    try:
        validated = pydantic_model.Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_describe(exc, docs)) from None
    return _effective(from_validated(Policy, validated), data, source)


def _effective(policy: Policy, data: Any, source: str) -> EffectivePolicy:
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return EffectivePolicy(policy=policy, source=source, sha256=digest, data=data)


def _describe(exc: ValidationError, docs: list[tuple[YamlDocument, str]]) -> str:
    lines = []
    for loc, error in _one_per_node(exc)[:10]:
        msg = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "string_pattern_mismatch":
            from prodgate.forms import mismatch

            msg = mismatch(error["input"], str(error.get("ctx", {}).get("pattern", "")))
        named_key = False
        if not loc and ": " in msg:  # cross-reference checks name their own path
            path, msg = msg.split(": ", 1)
            loc = tuple(path.split("."))
            named_key = loc[-1] != "artifact"  # a rule id or a role: the key is wrong
        elif ": " in msg and msg.startswith(".".join(map(str, loc)) + "."):
            # A section's own check names the entry within it (discovery.drop.1).
            path, msg = msg.split(": ", 1)
            loc = tuple(int(p) if p.isdigit() else p for p in path.split("."))
            named_key = msg.startswith("unknown key")
        where = ".".join(str(p) for p in loc) or "(top level)"
        is_key = error["type"] == "extra_forbidden"
        name, line, col = _place(loc, docs, key=is_key or named_key)
        if is_key:
            msg = "unknown key"
        lines.append(f"{name}:{line}:{col}: {where}: {msg}{_did_you_mean(loc, is_key, docs)}")
    more = len(_one_per_node(exc)) - 10
    if more > 0:
        lines.append(f"... and {more} more")
    return "invalid policy:\n  " + "\n  ".join(lines)


def _one_per_node(exc: ValidationError) -> list[tuple[tuple[Any, ...], Any]]:
    """The errors worth reading, each with its path: a union (a role's list, or a tier's
    mapping) reports one error per branch, and the deepest says what is wrong
    (``'s.osei' is not a GitHub account``), not the shallow one (``should be a mapping``)."""
    errors = [
        (tuple(p for p in e["loc"] if not (isinstance(p, str) and "[" in p)), e)
        for e in exc.errors(include_url=False)
    ]
    locs = [loc for loc, _ in errors]
    out: list[tuple[tuple[Any, ...], Any]] = []
    for loc, error in errors:
        deeper = any(len(other) > len(loc) and other[: len(loc)] == loc for other in locs)
        if not deeper and all(loc != seen for seen, _ in out):
            out.append((loc, error))
    return out


_NAMED = ("artifacts", "requirements", "risk_floors", "risk_requirements")
"""Sections whose keys are names: a new name is allowed, so a misspelt one (``runbok``)
shows up as a half-written entry, and is worth a "did you mean" of the built-in names."""


def _did_you_mean(loc: tuple[Any, ...], is_key: bool, docs: list[tuple[YamlDocument, str]]) -> str:
    import difflib

    candidates: list[str] = []
    bad = ""
    if is_key and loc:
        from prodgate.manifest.schema_errors import allowed_keys
        from prodgate.policy import pydantic_model

        bad, candidates = str(loc[-1]), allowed_keys(loc[:-1], pydantic_model.Policy)
    elif len(loc) >= 2 and loc[0] in _NAMED:
        builtin = next((d.data for d, n in docs if n == "builtin policy.yaml"), None)
        known = builtin.get(loc[0]) if isinstance(builtin, dict) else None
        if isinstance(known, dict) and loc[1] not in known:
            bad, candidates = str(loc[1]), [str(k) for k in known]
    elif len(loc) == 2 and loc[0] == "rules":
        from prodgate.rules.registry import RULES

        bad, candidates = str(loc[1]), list(RULES)
    close = difflib.get_close_matches(bad, candidates, n=1, cutoff=0.6) if bad else []
    return f"; did you mean {close[0]!r}?" if close else ""


def _place(
    loc: tuple[Any, ...], docs: list[tuple[YamlDocument, str]], key: bool = False
) -> tuple[str, int, int]:
    """The document that holds the deepest part of ``loc``: the override if it set it."""
    best: tuple[int, str, int, int] | None = None
    for doc, name in docs:
        for end in range(len(loc), -1, -1):
            if loc[:end] in doc.positions:
                use_key = end and (end < len(loc) or key)
                line, col = doc.key_position(loc[:end]) if use_key else doc.position(loc[:end])
                if best is None or end > best[0]:
                    best = (end, name, line, col)
                break
    if best is None:
        return (docs[0][1], 1, 1)
    return best[1:]
