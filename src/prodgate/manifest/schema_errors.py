"""pydantic's validation errors of a declaration, as findings at the node concerned.

Only imported when pydantic has rejected a declaration: the quick path never pays for it.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from prodgate.findings import Finding, Location
from prodgate.manifest.pydantic_model import Asset
from prodgate.placeholders import fill_in, is_placeholder
from prodgate.rules.registry import RULES
from prodgate.yamlio.loader import PathKey, YamlDocument, render_loc


def schema_findings(
    exc: ValidationError, doc: YamlDocument, rel: str, name: object = None
) -> list[Finding]:
    """Translate pydantic errors into findings at the node concerned."""
    asset = name if isinstance(name, str) else None
    findings: list[Finding] = []
    seen: set[PathKey] = set()
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        loc = tuple(p for p in loc if not (isinstance(p, str) and p in _UNION_TAGS))
        # Unions report one error per branch: keep the first error per node.
        if loc in seen:
            continue
        seen.add(loc)
        findings.append(_schema_finding(error, loc, doc, rel, asset))
    return findings


_UNION_TAGS = {"str", "float", "int", "constrained-str", "Owner", "Person", "Review", "Approver", "Agent", "function-after"}


def _schema_finding(
    error: Any, loc: PathKey, doc: YamlDocument, rel: str, asset: str | None
) -> Finding:
    kind = error["type"]
    where = render_loc(loc)
    if kind == "extra_forbidden":
        line, col = doc.key_position(loc)
        import difflib  # only on errors: keeps start-up lean

        known = allowed_keys(loc[:-1])
        bad = str(loc[-1])
        hint = difflib.get_close_matches(bad, known, n=1, cutoff=0.6)
        msg = f"unknown key {bad!r} in {render_loc(loc[:-1])}"
        if hint:
            msg += f"; did you mean {hint[0]!r}?"
        fix = f"Allowed keys here: {', '.join(known)}." if known else "Remove the key."
        return RULES["PG104"].finding(msg, Location(rel, line, col), asset=asset, fix=fix)
    if kind == "missing":
        line, col = doc.key_position(loc[:-1]) if loc[:-1] else (1, 1)
        return RULES["PG103"].finding(
            f"missing required key {str(loc[-1])!r} in {render_loc(loc[:-1])}",
            Location(rel, line, col),
            asset=asset,
            fix=f"Add `{loc[-1]}:` here (`prodgate schema` shows its type).",
        )
    line, col = doc.position(loc)
    value = error.get("input")
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", ""))
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        import difflib
        hint = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
        msg = f"{where}: {value!r} is not one of {', '.join(choices)}"
        if hint:
            msg += f"; did you mean {hint[0]!r}?"
        return RULES["PG103"].finding(msg, Location(rel, line, col), asset=asset, fix=f"Use one of: {', '.join(choices)}.")
    if isinstance(value, str) and value and is_placeholder(value):
        # A fix message's example pasted as is (``email: <email>``): what to do is fill it in.
        return RULES["PG103"].finding(
            fill_in(where, value, "the real value"), Location(rel, line, col), asset=asset, fix=_fix_for(loc)
        )
    msg = f"{where}: {_describe(error)}"
    fix = _INVISIBLE_FIX if "invisible character" in msg else _fix_for(loc)
    return RULES["PG103"].finding(msg, Location(rel, line, col), asset=asset, fix=fix)


_INVISIBLE_FIX = "Delete the value and type it again: text copied from a web page or chat can carry characters nobody sees."


def _fix_for(loc: PathKey) -> str:
    """The fix for the value at ``loc``: by the key's place (``name`` at the top is the
    asset's name, under ``owner`` a person's), else by the key alone."""
    shape = ".".join("[]" if isinstance(p, int) else p for p in loc).replace(".[]", "[]")
    if shape in _PLACE_FIXES:
        return _PLACE_FIXES[shape]
    for part in reversed(loc):
        if isinstance(part, str) and part in _FIXES:
            return _FIXES[part]
    return "See `prodgate schema` for the allowed values."


_PERSON = "Write the person's full name (a named, accountable person, not a team alias)."
_PLACE_FIXES = {
    "name": "Use lowercase letters, digits and dashes, e.g. support-reply-drafter.",
    "owner.name": _PERSON,
    "business_owner.name": _PERSON,
    "models[].name": "Write the model's name as the provider spells it.",
    "models[].provider": "Write the provider: openai, anthropic, azure-openai, bedrock, vertex, huggingface, self-hosted ...",
    "data_sources[].name": "Write the data source's name.",
    "evals[].name": "Write the eval's name.",
    "agent.tools[].name": "Write the tool's name as the code gives it to the model.",
    "agent.mcp_servers[].name": "Write the server's name as its MCP configuration names it.",
    "agent.mcp_servers[].source": "Write what the server runs from: a package, an image, a URL or the command.",
}
"""Fixes that depend on where a key is: ``name`` means four different things."""

_FIXES = {
    "thresholds": 'Write a comparison such as ">= 0.9" or "<= 0.01".',
    "granted": "Use a date as YYYY-MM-DD.",
    "expires": "Use a date as YYYY-MM-DD.",
    "last_reviewed": "Use a date as YYYY-MM-DD.",
    "email": "Use the person's full address, such as <name>@<your domain>.",
    "approvals": _PERSON,
    "owners": _PERSON,
    "apiVersion": "Use `apiVersion: prodgate/v1`.",
}


def _describe(error: Any) -> str:
    kind = error["type"]
    if kind == "string_pattern_mismatch":
        from prodgate.forms import mismatch

        return mismatch(error.get("input"), str(error.get("ctx", {}).get("pattern", "")))
    if kind == "string_too_short" and error.get("input") == "":
        return "is empty"
    msg = str(error["msg"])
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{msg} (got {error.get('input')!r})"
    return msg


def allowed_keys(loc: PathKey, root: type[BaseModel] = Asset) -> list[str]:
    """The keys the model (``root``, the declaration by default) accepts at ``loc`` (by
    alias), for "did you mean"."""
    model: Any = root
    for part in loc:
        model = _step(model, part)
        if model is None:
            return []
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or n for n, f in model.model_fields.items()]
    return []


def _step(tp: Any, part: str | int) -> Any:
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, field in tp.model_fields.items():
            if part in (name, field.alias):
                return _unwrap(field.annotation)
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (list, tuple) and args:
        return _unwrap(args[0])
    if origin is dict and len(args) == 2:
        return _unwrap(args[1])
    return None


def _unwrap(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is not type(None):
                inner = _unwrap(arg)
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    return inner
        return tp
    return tp
