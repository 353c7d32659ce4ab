"""What the register ingests: a gate JSON report or an inventory, read and checked.

Both come from repositories' CI, so neither is trusted: the shape is checked field by
field, enumerations against the gate's own, and anything else is refused with one
message naming the file and the field. A refused file writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from prodgate.fsutil import FileProblem, read_regular
from prodgate.hygiene import unicode_text
from prodgate.register.vocabulary import EFFECTS, STAGES, TIERS

_fromisoformat = dt.date.fromisoformat
_datetime = dt.datetime.fromisoformat
MAX_BYTES = 256 * 1024 * 1024


ASSET_FIELDS = (
    "name", "path", "tier", "effective_tier", "stage", "owner", "owner_email", "business_owner", "models",
    "data_sources", "personal_data", "passed", "errors", "warnings", "next_review", "review_overdue", "owner_team",
    "error", "agent_effect",
)
"""An asset row's values, in this order: the columns of the register's ``assets`` table
after ``snapshot_id``. Rows are tuples, not dicts: a large ingest makes 50,000 of
them, and the database takes a tuple as it is."""
EXCEPTION_FIELDS = ("asset", "requirement", "ticket", "expires", "active", "reason", "granted", "approvers")
FACT_FIELDS = ("asset", "kind", "eval", "name", "value")
"""A fact a candidate policy can be judged on (:mod:`prodgate.register.impact`): an
asset's requirement states, eval metrics, categories and dates, and its last review;
and what an asset's detail view on the page shows besides (eval outcomes, thresholds,
risk facts, an agent's tools, why its owner is not a code owner). Only an inventory carries them; a gate report stores none."""
UNDECLARED_FIELDS = ("path", "line", "kind", "provider", "model")
PASSED = ASSET_FIELDS.index("passed")
UNKNOWN = "unknown"
"""The tier and stage of a declaration that did not load: nothing of it can be read."""
FUTURE_SKEW = dt.timedelta(hours=1)
"""How far past this machine's clock a document's ``generated_at`` may be (clocks
differ a little); a document from further ahead is refused: it would stay the
repository's latest observation until that date."""

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Document:
    """One repository at one commit, as the register stores it: its rows in the order
    of :data:`ASSET_FIELDS`, :data:`EXCEPTION_FIELDS` and :data:`UNDECLARED_FIELDS`."""

    repository: str
    commit: str
    kind: str  # "inventory" | "report"
    digest: str
    generated_at: str
    gate: str
    tool_version: str
    source: str
    assets: list[Row] = field(default_factory=list)
    exceptions: list[Row] = field(default_factory=list)
    undeclared: list[Row] | None = None
    """None when discovery did not run: no news is not good news."""
    facts: list[Row] = field(default_factory=list)
    policy_name: str | None = None
    policy_version: str | None = None
    policy_digest: str | None = None
    policy_source: str | None = None
    """Who judged: the policy's name, version, sha256 and where it came from (None
    where the document does not say: one written by an older prodgate)."""

    @functools.cached_property
    def content(self) -> str:
        """The sha256 of what the document says apart from when and where it was
        written: two rescans of an unchanged repository say the same, and are one
        observation seen twice (:mod:`prodgate.register.store`). Computed once."""
        import msgspec

        said = [
            self.repository, self.commit, self.kind, self.gate, self.tool_version, self.assets, self.exceptions,
            self.undeclared, self.facts, self.policy_name, self.policy_version, self.policy_digest, self.policy_source,
        ]
        try:
            text = msgspec.json.encode(said)
        except (msgspec.EncodeError, UnicodeEncodeError):  # a lone surrogate the precise reading let through
            text = json.dumps(said, separators=(",", ":")).encode("ascii")
        return hashlib.sha256(text).hexdigest()


class Refused(Exception):
    """The file is not something the register can ingest; the message says why."""


def read(path: Path | str, repository: str | None = None) -> Document:
    """Read and check one file. Raises :class:`Refused`.

    One open and one read of a regular file (anything else, a FIFO or a device, is
    refused, never waited on); a file growing while read is still capped.
    """
    got = read_regular(path, MAX_BYTES, follow=True)
    if isinstance(got, FileProblem):
        raise Refused(f"{path}: {got.message}")
    size, raw = got
    if size > MAX_BYTES:
        raise Refused(f"{path}: more than the {MAX_BYTES} bytes a report or inventory may have")
    return parse(raw, str(path), repository)


def parse(raw: bytes, source: str, repository: str | None = None) -> Document:
    # The file or checkout it came from is stored: a name that is not UTF-8 is kept as
    # the escaped text every writer prints (a UTF-8 database cannot take it raw).
    source = unicode_text(source)
    digest = hashlib.sha256(raw).hexdigest()
    # The common case, a well-formed inventory, is read and checked in one pass by
    # :func:`_fast_inventory`; anything it does not accept is read again below, where
    # every rule is written out and a refusal names its field. Text holding ``\u0000``
    # is left to that reading, which says where a NUL is.
    try:
        fast_ok = b"\\u0000" not in raw and (raw.isascii() or _utf8(raw)) and _no_repeated_key(raw)
    except _Repeated as exc:
        raise Refused(_repeated(source, exc)) from None
    if fast_ok:
        fast = _fast_inventory(raw, source, digest, repository)
        if fast is not None:
            return fast
    try:
        data = json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_object)
    except UnicodeDecodeError as exc:
        raise Refused(f"{source}: not UTF-8 text: {exc.reason}") from exc
    except _Repeated as exc:
        raise Refused(_repeated(source, exc)) from None
    except (ValueError, RecursionError) as exc:
        raise Refused(f"{source}: not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise Refused(f"{source}: not a prodgate report or inventory: the document is not a JSON object")
    # PostgreSQL stores no NUL in text; SQLite would, and differ. The bytes only say
    # where to look: ``\\u0000`` is also a backslash written out before ``u0000``.
    if b"\\u0000" in raw and (where := _nul_at(data, "$")):
        raise Refused(f"{source}: {where} contains a NUL character (\\u0000)")
    if b"\\ud" in raw or b"\\uD" in raw:  # maybe a lone surrogate: JSON allows it, UTF-8 not
        data = _unicode_only(data)
    try:
        if "inventory_version" in data:
            return _inventory(data, source, digest, repository)
        if "report_version" in data:
            return _report(data, source, digest, repository)
    except _Bad as exc:
        raise Refused(f"{source}: {exc}") from None
    raise Refused(
        f"{source}: not a prodgate report or inventory (no report_version or inventory_version); "
        "write one with `prodgate check --format json` or `prodgate inventory`"
    )


class _Repeated(Exception):
    """A JSON object names one key twice (the key is the argument)."""


def _repeated(source: str, exc: _Repeated) -> str:
    return (
        f"{source}: the key {exc.args[0]!r} appears twice in one object; a document whose readers could "
        "disagree on its values is refused"
    )


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when it repeats a key: Python keeps the last value, other
    readers the first, so the register and a reviewer could read different documents."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return out


def _no_repeated_key(raw: bytes) -> bool:
    """Whether ``raw`` repeats no key in any object (raises :class:`_Repeated` if it
    does), checked in C first: the text with its whitespace removed (token by token,
    repeats kept) is the text of the objects as decoded (repeats dropped). When they
    differ for another reason (an escape or a number written another way), or msgspec
    does not take the text, :func:`_object` looks key by key, numbers left as text
    (a number too long for Python in a field the register does not keep is no reason to
    refuse). False when the text is not JSON at all."""
    import msgspec

    try:
        if msgspec.json.format(raw, indent=-1) == msgspec.json.encode(msgspec.json.decode(raw)):
            return True
    except (msgspec.DecodeError, msgspec.EncodeError, ValueError, RecursionError):
        pass
    try:
        json.loads(raw, object_pairs_hook=_object, parse_int=str, parse_float=str, parse_constant=str)
    except (ValueError, RecursionError):
        return False
    return True


def _utf8(raw: bytes) -> bool:
    """Whether all of ``raw`` is UTF-8: the one-pass reading checks only the strings it
    keeps, and a file is refused for bytes anywhere that are not UTF-8 text."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _unicode_only(value: Any) -> Any:
    """``value`` with each lone surrogate in its text (keys too; a JSON ``\\udce9``,
    which a UTF-8 database cannot store) as the escape every writer prints for it
    (:func:`prodgate.hygiene.unicode_text`: ``caf\\xe9.py``)."""
    if isinstance(value, str):
        return unicode_text(value)
    if isinstance(value, list):
        return [_unicode_only(v) for v in value]
    if isinstance(value, dict):
        return {unicode_text(k): _unicode_only(v) for k, v in value.items()}
    return value


class _Bad(Exception):
    pass


def _nul_at(value: Any, where: str) -> str:
    """The JSON path of the first string (or key) holding a NUL, "" if none."""
    if isinstance(value, str):
        return where if "\x00" in value else ""
    if isinstance(value, list):
        for i, v in enumerate(value):
            if found := _nul_at(v, f"{where}[{i}]"):
                return found
    if isinstance(value, dict):
        for k, v in value.items():
            if "\x00" in k:
                return f"a key of {where}"
            if found := _nul_at(v, f"{where}.{k}"):
                return found
    return ""


def _fast_inventory(raw: bytes, source: str, digest: str, repository: str | None) -> Document | None:
    """The inventory decoded straight into the typed shape of :mod:`._shape`, which
    states the rules of :func:`_inventory` as types, so that parsing the JSON and
    checking every field is one pass in C and fields the register does not keep are
    skipped, never built. The few rules a type cannot say (a version, a tool name, a
    real date) follow. None at the first thing not accepted: the precise reading then
    reads the document again and says what is wrong (or accepts it: it accepts a few
    spellings of JSON this one does not, such as ``NaN``, a byte order mark or a lone
    surrogate, and has the last word on them).
    """
    from prodgate.register._shape import decode

    try:
        inv = decode(raw)
        if inv.inventory_version != 1 or inv.tool.name != "prodgate":
            return None
        name = repository or inv.repository.name
        if not name:
            return None
        if _future(inv.generated_at):
            return None
        assets: list[Row] = []
        exceptions: list[Row] = []
        facts: list[Row] = []
        for a in inv.assets:  # 50,000 in a large ingest: fields read once, one model or source formatted alone
            owner, business, gate, review, models, sources = a.owner, a.business_owner, a.gate, a.review, a.models, a.data_sources
            due = review.next_due
            if due is not None:
                _fromisoformat(due)
            for e in a.exceptions:
                _fromisoformat(e.expires)
                if e.granted is not None:
                    _fromisoformat(e.granted)
                exceptions.append(
                    (a.name, e.requirement, e.ticket, e.expires, e.active, e.reason or None, e.granted, _approvers(e.approvals))
                )
            facts.extend((a.name, "requirement", None, rid, state) for rid, state in a.requirements.items())
            for ev in a.evals:
                facts.append((a.name, "eval", ev.name, "", ev.category))
                if ev.run_at is not None:
                    facts.append((a.name, "eval_run", ev.name, "", ev.run_at))
                if ev.outcome is not None:
                    facts.append((a.name, "outcome", ev.name, "", ev.outcome))
                for m in ev.metrics:
                    facts.append((a.name, "metric", ev.name, m.name, None if m.value is None else repr(float(m.value))))
                    if m.threshold is not None:
                        facts.append((a.name, "threshold", ev.name, m.name, m.threshold))
                    if m.passed is not None:
                        facts.append((a.name, "met", ev.name, m.name, "true" if m.passed else "false"))
            if a.risk is not None or a.tools:
                facts.extend(shown_facts(a.name, a.risk, a.tools))
            if a.not_codeowner is not None:
                facts.append((a.name, "codeowner", None, "", a.not_codeowner))
            if review.last_reviewed is not None:
                _fromisoformat(review.last_reviewed)
                facts.append((a.name, "reviewed", None, "", review.last_reviewed))
            if len(sources) == 1:
                source_text, personal = f"{sources[0].name} ({sources[0].classification})", sources[0].personal_data
            else:
                source_text = "; ".join([f"{d.name} ({d.classification})" for d in sources])
                personal = any(d.personal_data for d in sources)
            assets.append(
                (
                    a.name, a.path, a.tier, a.effective_tier, a.stage,
                    None if owner is None else owner.name,
                    None if owner is None else owner.email,
                    None if business is None else business.name,
                    _model_text(models[0]) if len(models) == 1 else "; ".join(map(_model_text, models)),
                    source_text, personal, gate.passed, gate.errors, gate.warnings, due, review.overdue,
                    None if owner is None else owner.team, None,
                    a.agent_effect,
                )
            )
        assets.extend(_broken([(b.path, b.line, b.rule_id, b.message) for b in inv.broken_declarations]))
    except (ValueError, RecursionError):  # msgspec's DecodeError is a ValueError; so is a bad date
        return None
    policy = inv.policy
    return Document(
        repository=name, commit=inv.repository.commit or "", kind="inventory", digest=digest,
        generated_at=inv.generated_at, gate=inv.gate, tool_version=inv.tool.version, source=source,
        assets=assets, exceptions=exceptions, facts=facts,
        policy_name=None if policy is None else policy.name or None,
        policy_version=None if policy is None else policy.version or None,
        policy_digest=None if policy is None else policy.sha256 or None,
        policy_source=None if policy is None else policy.source or None,
        undeclared=None if inv.undeclared is None else [(u.path, u.line, u.kind, u.provider, u.model) for u in inv.undeclared],
    )


def _future(generated_at: str) -> str:
    """Why ``generated_at`` cannot be stored ("" if it can): not a date and time, or
    beyond :data:`FUTURE_SKEW` ahead of this machine's clock. Raises ``ValueError``
    for the first. A time without an offset is taken as UTC, as the gate writes it."""
    when = _datetime(generated_at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = dt.datetime.now(dt.UTC)
    if when > now + FUTURE_SKEW:
        return (
            f"$.generated_at {generated_at!r} is in the future (this machine's clock says "
            f"{now.replace(microsecond=0).isoformat()}); a document from the future would stay the latest until then"
        )
    return ""


def _approvers(approvals: Any) -> str | None:
    """An exception's approvals as the register keeps them: ``role: name`` joined by
    ``; `` in the order given (None when the document names none). Given as a gate
    report lists them (``[{role, name, ...}]``), as a declaration writes them (``{role:
    name}`` or ``{role: {name, ...}}``), or as (role, name) pairs."""
    if not approvals:
        return None
    if isinstance(approvals, dict):
        pairs = [(role, who if isinstance(who, str) else who.name) for role, who in approvals.items()]
    else:
        pairs = [a if isinstance(a, tuple) else (a.role, a.name) for a in approvals]
    return "; ".join(f"{role}: {who}" for role, who in pairs)


def _approvals(e: Any, we: str) -> list[tuple[str | None, str | None]]:
    """The precise reading of an exception's optional ``approvals``, in the shapes
    :func:`_approvers` takes."""
    given = _get(e, we, "approvals", (list, dict), optional=True)
    if isinstance(given, dict):
        out = []
        for role, who in given.items():
            if len(role) > 4096:
                raise _Bad(f"{we}.approvals has a key longer than 4096 characters")
            if isinstance(who, dict):
                out.append((role, _text(who, f"{we}.approvals.{role}", "name")))
            else:
                out.append((role, _text(given, f"{we}.approvals", role)))
        return out
    return [
        (_text(x, f"{we}.approvals[{k}]", "role"), _text(x, f"{we}.approvals[{k}]", "name"))
        for k, x in enumerate(given or [])
    ]


def _broken(found: list[tuple[Any, ...]]) -> list[Row]:
    """One asset row per declaration that did not load (``broken_declarations`` of an
    inventory, PG1xx findings of a gate report), so that it is listed, never absent:
    named by its path (its name is in the file that did not load), tier and stage
    :data:`UNKNOWN`, failing, with every message of the loader for it, in order."""
    by_path: dict[str, list[str]] = {}  # (path, line, rule id, message) each
    for path, line, rule_id, message in found:
        by_path.setdefault(path, []).append(f"{rule_id} (line {line}): {message}")
    return [
        (path[:128], path, UNKNOWN, UNKNOWN, UNKNOWN, None, None, None, "", "", False, False, len(errors), 0, None, False,
         None, "; ".join(errors), None)
        for path, errors in by_path.items()
    ]


def _model_text(m: Any) -> str:
    return f"{m.provider}/{m.name}@{m.version}" if m.version else f"{m.provider}/{m.name}"


def _get(obj: Any, where: str, key: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
    if not isinstance(obj, dict):
        raise _Bad(f"{where} must be an object")
    if key not in obj or obj[key] is None:
        if optional:
            return None
        raise _Bad(f"{where}.{key} is missing")
    value = obj[key]
    # bool is an int in Python; a count given as true is still wrong
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _Bad(f"{where}.{key} must be {_json_name(names)}, not {type(value).__name__}")
    return value


def _json_name(names: str) -> str:
    return names.replace("str", "a string").replace("dict", "an object").replace("list", "an array").replace(
        "bool", "true or false"
    ).replace("int", "an integer")


def _text(obj: Any, where: str, key: str, *, optional: bool = False, limit: int = 4096) -> str | None:
    value: str | None = _get(obj, where, key, str, optional=optional)
    if value is not None and len(value) > limit:
        raise _Bad(f"{where}.{key} is longer than {limit} characters")
    return value


@overload
def _enum(obj: Any, where: str, key: str, allowed: tuple[str, ...]) -> str: ...
@overload
def _enum(obj: Any, where: str, key: str, allowed: tuple[str, ...], optional: bool) -> str | None: ...
def _enum(obj: Any, where: str, key: str, allowed: tuple[str, ...], optional: bool = False) -> str | None:
    value = _text(obj, where, key, optional=optional)
    if value is None and optional:
        return None
    assert value is not None
    if value not in allowed:
        raise _Bad(f"{where}.{key} {value!r} is not one of {', '.join(allowed)}")
    return value


def _header(data: dict[str, Any], version_key: str, source: str, repository: str | None) -> dict[str, Any]:
    version = _get(data, "$", version_key, int)
    if version != 1:
        raise _Bad(f"{version_key} {version} is not one this prodgate reads (1); upgrade prodgate")
    tool = _get(data, "$", "tool", dict)
    if _text(tool, "$.tool", "name") != "prodgate":
        raise _Bad("$.tool.name is not prodgate")
    repo = _get(data, "$", "repository", dict)
    name = repository or _text(repo, "$.repository", "name", optional=True, limit=512)
    if not name:
        raise _Bad("names no repository ($.repository.name); pass --repository NAME")
    commit = _text(repo, "$.repository", "commit", optional=True, limit=64) or ""
    generated = _text(data, "$", "generated_at", limit=40)
    assert generated is not None
    try:  # it orders snapshots and dates the trend chart: a real date and time only
        ahead = _future(generated)
    except ValueError:
        raise _Bad(f"$.generated_at {generated!r} is not a date and time (ISO 8601)") from None
    if ahead:
        raise _Bad(ahead)
    return {
        "repository": name,
        "commit": commit,
        "generated_at": generated,
        "gate": _enum(data, "$", "gate", ("merge", "deploy")),
        "tool_version": _text(tool, "$.tool", "version", limit=40),
        "source": source,
        **_policy(data),
    }


def _policy(data: dict[str, Any]) -> dict[str, str | None]:
    """Who judged, as the document names it (``$.policy``); each part may be missing."""
    policy = _get(data, "$", "policy", dict, optional=True)
    if policy is None:
        return {}
    parts = (("name", 256), ("version", 128), ("sha256", 64), ("source", 4096))
    named = {key: _text(policy, "$.policy", key, optional=True, limit=limit) or None for key, limit in parts}
    return {
        "policy_name": named["name"], "policy_version": named["version"],
        "policy_digest": named["sha256"], "policy_source": named["source"],
    }


def _team(obj: Any, where: str, key: str) -> str | None:
    c = _get(obj, where, key, dict, optional=True)
    return None if c is None else _text(c, f"{where}.{key}", "team", optional=True)


def _contact(obj: Any, where: str, key: str) -> tuple[str | None, str | None]:
    c = _get(obj, where, key, dict, optional=True)
    if c is None:
        return None, None
    return _text(c, f"{where}.{key}", "name"), _text(c, f"{where}.{key}", "email", optional=True)


def _inventory(data: dict[str, Any], source: str, digest: str, repository: str | None) -> Document:
    head = _header(data, "inventory_version", source, repository)
    doc = Document(kind="inventory", digest=digest, **head)
    for i, a in enumerate(_get(data, "$", "assets", list)):
        w = f"$.assets[{i}]"
        name = _text(a, w, "name", limit=128)
        owner, owner_email = _contact(a, w, "owner")
        business, _ = _contact(a, w, "business_owner")
        models = []
        for j, m in enumerate(_get(a, w, "models", list)):
            version = _text(m, f"{w}.models[{j}]", "version", optional=True)
            models.append(
                f"{_text(m, f'{w}.models[{j}]', 'provider')}/{_text(m, f'{w}.models[{j}]', 'name')}"
                + (f"@{version}" if version else "")
            )
        sources, personal = [], False
        for j, s in enumerate(_get(a, w, "data_sources", list)):
            sources.append(f"{_text(s, f'{w}.data_sources[{j}]', 'name')} ({_text(s, f'{w}.data_sources[{j}]', 'classification')})")
            personal = personal or bool(_get(s, f"{w}.data_sources[{j}]", "personal_data", bool))
        gate = _get(a, w, "gate", dict)
        review = _get(a, w, "review", dict)
        doc.assets.append(
            (
                name,
                _text(a, w, "path"),
                _enum(a, w, "tier", TIERS),
                _enum(a, w, "effective_tier", TIERS),
                _enum(a, w, "stage", STAGES),
                owner,
                owner_email,
                business,
                "; ".join(models),
                "; ".join(sources),
                personal,
                _get(gate, f"{w}.gate", "passed", bool),
                _get(gate, f"{w}.gate", "errors", int),
                _get(gate, f"{w}.gate", "warnings", int),
                _date(review, f"{w}.review", "next_due", optional=True),
                _get(review, f"{w}.review", "overdue", bool),
                _team(a, w, "owner"),
                None,
                _enum(a, w, "agent_effect", EFFECTS, optional=True),
            )
        )
        doc.exceptions.extend(_exceptions(a, w, name, "active"))
        doc.facts.extend(_facts(a, w, name, review))
    broken = []
    for i, b in enumerate(_get(data, "$", "broken_declarations", list, optional=True) or []):
        w = f"$.broken_declarations[{i}]"
        broken.append((_text(b, w, "path"), _get(b, w, "line", int), _text(b, w, "rule_id", limit=16), _text(b, w, "message")))
    doc.assets.extend(_broken(broken))
    found = _get(data, "$", "undeclared", list, optional=True)
    if found is not None:
        rows = []
        for i, d in enumerate(found):
            w = f"$.undeclared[{i}]"
            rows.append(
                (
                    _text(d, w, "path"),
                    _get(d, w, "line", int),
                    _text(d, w, "kind"),
                    _text(d, w, "provider", optional=True),
                    _text(d, w, "model", optional=True),
                )
            )
        return _with_undeclared(doc, rows)
    return doc


def _report(data: dict[str, Any], source: str, digest: str, repository: str | None) -> Document:
    """A gate report knows less than an inventory: no models, data sources or business
    owner; the review state and undeclared AI come from its findings."""
    head = _header(data, "report_version", source, repository)
    doc = Document(kind="report", digest=digest, **head)
    findings = _get(data, "$", "findings", list)
    overdue: set[str] = set()
    undeclared = []
    for i, f in enumerate(findings):
        w = f"$.findings[{i}]"
        rule = _text(f, w, "rule_id", limit=16)
        asset = _text(f, w, "asset", optional=True, limit=128)
        if rule in ("PG603", "PG604") and asset and not _get(f, w, "waived_by", dict, optional=True):
            overdue.add(asset)
        if rule == "PG801":
            undeclared.append((_text(f, w, "path"), _get(f, w, "line", int), "undeclared", None, None))
    for i, a in enumerate(_get(data, "$", "assets", list)):
        w = f"$.assets[{i}]"
        name = _text(a, w, "name", limit=128)
        assert name is not None
        mine = [f for f in findings if isinstance(f, dict) and f.get("asset") == name and not f.get("waived_by")]
        doc.assets.append(
            (
                name,
                _text(a, w, "path"),
                _enum(a, w, "tier", TIERS),
                _enum(a, w, "effective_tier", TIERS),
                _enum(a, w, "stage", STAGES),
                _text(a, w, "owner", optional=True),
                None,  # owner_email
                None,  # business_owner
                "",  # models
                "",  # data_sources
                False,  # personal_data
                _get(a, w, "passed", bool),
                sum(1 for f in mine if f.get("severity") == "error"),
                sum(1 for f in mine if f.get("severity") == "warning"),
                None,  # next_review
                name in overdue,
                _text(a, w, "owner_team", optional=True),
                None,
                None,  # agent_effect: a gate report does not say
            )
        )
        doc.exceptions.extend(_exceptions(a, w, name, "valid"))
    doc.assets.extend(
        _broken(
            [
                (str(f["path"]), f["line"], str(f["rule_id"])[:16], str(f.get("message", ""))[:4096])
                for f in findings
                if isinstance(f, dict) and str(f.get("rule_id", "")).startswith("PG1") and not f.get("asset")
                and isinstance(f.get("path"), str) and isinstance(f.get("line"), int) and not isinstance(f.get("line"), bool)
            ]
        )
    )
    return _with_undeclared(doc, undeclared) if any(f.get("rule_id") == "PG801" for f in findings if isinstance(f, dict)) else doc


def shown_facts(asset: str | None, risk: Any, tools: Any) -> list[Row]:
    """The risk facts (``risk``: each key whose value is text or true/false) and the
    agent's tools (``tools``: each ``name`` with its ``effect``) an asset's detail
    view shows, as facts; whatever else they hold is passed over, not refused, as
    both are read as they are (by both readings alike: this is their one reader)."""
    out: list[Row] = []
    if isinstance(risk, dict):
        for key, value in risk.items():
            if isinstance(key, str) and len(key) <= 4096 and isinstance(value, (str, bool)) and len(str(value)) <= 4096:
                shown = value if isinstance(value, str) else "true" if value else "false"
                out.append((asset, "risk", None, key, shown))
    for tool in tools if isinstance(tools, list) else ():
        name, effect = (tool.get("name"), tool.get("effect")) if isinstance(tool, dict) else (None, None)
        if isinstance(name, str) and isinstance(effect, str) and len(name) <= 4096 and len(effect) <= 4096:
            out.append((asset, "tool", None, name, effect))
    return out


def _facts(a: Any, w: str, asset: str | None, review: Any) -> list[Row]:
    """The facts of :data:`FACT_FIELDS` of one inventory asset; each optional, as an
    inventory of an older prodgate may lack them."""
    out: list[Row] = []
    states = _get(a, w, "requirements", dict, optional=True) or {}
    for rid in states:
        if len(rid) > 4096:
            raise _Bad(f"{w}.requirements has a key longer than 4096 characters")
        out.append((asset, "requirement", None, rid, _text(states, f"{w}.requirements", rid)))
    for j, ev in enumerate(_get(a, w, "evals", list, optional=True) or []):
        we = f"{w}.evals[{j}]"
        name = _text(ev, we, "name")
        out.append((asset, "eval", name, "", _text(ev, we, "category", optional=True)))
        run_at = _text(ev, we, "run_at", optional=True, limit=40)
        if run_at is not None:
            out.append((asset, "eval_run", name, "", run_at))
        outcome = _text(ev, we, "outcome", optional=True)
        if outcome is not None:
            out.append((asset, "outcome", name, "", outcome))
        for k, m in enumerate(_get(ev, we, "metrics", list, optional=True) or []):
            value = _get(m, f"{we}.metrics[{k}]", "value", (int, float), optional=True)
            metric = _text(m, f"{we}.metrics[{k}]", "name")
            out.append((asset, "metric", name, metric, None if value is None else repr(float(value))))
            threshold = _text(m, f"{we}.metrics[{k}]", "threshold", optional=True)
            if threshold is not None:
                out.append((asset, "threshold", name, metric, threshold))
            passed = _get(m, f"{we}.metrics[{k}]", "passed", bool, optional=True)
            if passed is not None:
                out.append((asset, "met", name, metric, "true" if passed else "false"))
    if a.get("risk") is not None or a.get("tools"):
        out.extend(shown_facts(asset, a.get("risk"), a.get("tools")))
    not_codeowner = _text(a, w, "not_codeowner", optional=True)
    if not_codeowner is not None:
        out.append((asset, "codeowner", None, "", not_codeowner))
    reviewed = _date(review, f"{w}.review", "last_reviewed", optional=True)
    if reviewed is not None:
        out.append((asset, "reviewed", None, "", reviewed))
    return out


def _exceptions(a: Any, w: str, asset: str | None, active_key: str) -> list[Row]:
    """An asset's exceptions; ``active_key`` is the field that says it waives today
    (``active`` in an inventory, ``valid`` in a gate report)."""
    out = []
    for j, e in enumerate(_get(a, w, "exceptions", list)):
        we = f"{w}.exceptions[{j}]"
        approvals = _approvals(e, we)
        out.append(
            (
                asset, _text(e, we, "requirement"), _text(e, we, "ticket"), _date(e, we, "expires"), _get(e, we, active_key, bool),
                _text(e, we, "reason", optional=True) or None, _date(e, we, "granted", optional=True), _approvers(approvals),
            )
        )
    return out


def _with_undeclared(doc: Document, rows: list[Row]) -> Document:
    return dataclasses.replace(doc, undeclared=rows)


def _date(obj: Any, where: str, key: str, *, optional: bool = False) -> str | None:
    value = _text(obj, where, key, optional=optional, limit=10)
    if value is None:
        return None
    try:
        _fromisoformat(value)
    except ValueError:
        raise _Bad(f"{where}.{key} {value!r} is not a date (YYYY-MM-DD)") from None
    return value
