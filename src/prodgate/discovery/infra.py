"""AI outside application code: infrastructure as code, containers and CI pipelines.

Terraform and OpenTofu (``resource "azurerm_cognitive_account"`` of kind OpenAI,
``aws_bedrock*``, ``google_vertex_ai_*`` ...), CloudFormation and SAM
(``Type: AWS::Bedrock::Agent``), ARM templates and Bicep
(``Microsoft.CognitiveServices/accounts`` of kind OpenAI) provision AI services;
Dockerfiles and compose files run model servers (``FROM ollama/ollama``, ``image:
vllm/vllm-openai``) and install SDKs (``RUN pip install openai``); CI workflows use AI
actions (``uses: actions/ai-inference@v1``) and install or call models in ``run:``
steps. What the catalogue's ``resources``, ``images`` and ``actions`` list is looked
for here; hosts, keys and model names in the same files are found as in any
configuration (:func:`prodgate.discovery.code.config`).

Terraform is parsed with python-hcl2 (imported only when a ``.tf`` file declares a
resource type the catalogue lists, and only for files up to
:data:`MAX_HCL_BYTES`), so that a resource's ``kind`` is read from its own block; a
file it cannot parse is read line by line instead, so breaking the syntax hides
nothing. Every other matcher is an RE2-checked pattern over the text with its comments
blanked: linear time.
"""

from __future__ import annotations

import bisect
import json
import posixpath
from collections.abc import Iterator
from typing import Any

from prodgate import linear
from prodgate.discovery import installs
from prodgate.discovery.catalogue import Catalogue, Signature
from prodgate.discovery.lexer import C_STYLE, HASH, NONE, Lexed, blank_comments, line_starts
from prodgate.discovery.model import Detection, ParseBudget, is_terraform
from prodgate.discovery.safe_regex import LazyPattern

MAX_HCL_BYTES = 32 * 1024
"""Larger Terraform files are read line by line, not parsed: the parser is pure Python
(about 1.4 s for 32 KiB on the shared machine, 11 s for 250 KiB), and most files hold no
resource whose ``kind`` decides whether it is AI, and are not parsed at all."""

_SHELLS = ("sh", "bash", "zsh", "dash", "ksh", "ash")
_CI_FILES = (".gitlab-ci.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml", ".travis.yml", "jenkinsfile")


def detect(
    rel: str, text: str, kind: str, cat: Catalogue, budget: ParseBudget | None = None
) -> Iterator[Detection]:
    """What ``text`` (a file read as ``kind``) provisions, runs or installs. ``budget``:
    what the scan may still give the Terraform parser (one file's bound when None)."""
    low = posixpath.basename(rel).lower()
    ext = low.rsplit(".", 1)[-1] if "." in low.lstrip(".") else ""
    if is_terraform(rel):
        yield from terraform(rel, text, cat, ParseBudget(MAX_HCL_BYTES) if budget is None else budget)
    elif ext == "bicep":
        yield from bicep(rel, text, cat)
    elif _is_dockerfile(low):
        lexed = blank_comments(text, HASH)
        yield from _images(rel, lexed, _FROM, cat)
        yield from installs.commands(rel, text, cat)
    elif ext in ("yaml", "yml"):
        lexed = blank_comments(text, HASH)
        yield from _cloudformation(rel, lexed, cat)
        if "image" in lexed.code:  # the key the pattern needs: a search of the whole file saved
            yield from _images(rel, lexed, _IMAGE, cat)
        yield from _actions(rel, lexed, cat)
        if _is_ci(rel, low):
            yield from installs.commands(rel, text, cat)
    elif ext == "json":
        lexed = blank_comments(text, NONE)
        yield from _cloudformation(rel, lexed, cat)
        yield from arm(rel, text, cat)
    elif kind == "code-hash" and (ext in _SHELLS or (not ext and _shell_shebang(text))):
        # Shell words are strings without quotes: `curl https://api.openai.com/...` is a call.
        from prodgate.discovery import code

        yield from code.config(rel, text, cat, HASH, shell=True)
        yield from installs.commands(rel, text, cat, shell=True)


def _is_dockerfile(low: str) -> bool:
    return low.startswith(("dockerfile", "containerfile")) or low.endswith((".dockerfile", ".containerfile"))


def _is_ci(rel: str, low: str) -> bool:
    return "/.github/workflows/" in f"/{rel}" or low in _CI_FILES or "/.circleci/" in f"/{rel}" or low == "action.yml"


def _shell_shebang(text: str) -> bool:
    first = text[:200].split("\n", 1)[0]
    if not first.startswith("#!"):
        return False
    words = first[2:].replace("/", " ").split()
    return any(w in _SHELLS for w in words)


def _det(rel: str, line: int, kind: str, sig: Signature, match: str) -> Detection:
    return Detection(rel, max(line, 1), kind, sig.id, sig.provider, None, match)


# -- Terraform / OpenTofu ---------------------------------------------------------------
_TF_BLOCK = LazyPattern(
    r"(?m)^[ \t]{0,40}(resource|data)[ \t]{1,20}\"([A-Za-z0-9_-]{1,200})\"[ \t]{1,20}\"([A-Za-z0-9_-]{1,200})\""
)
_TF_KIND = LazyPattern(r"(?m)^[ \t]{0,40}kind[ \t]{0,20}=[ \t]{0,20}([^\n]{0,200})")


def terraform(rel: str, text: str, cat: Catalogue, budget: ParseBudget) -> Iterator[Detection]:
    """``resource`` and ``data`` blocks of the types the catalogue lists, at the line
    of the block; a type listed as ``TYPE:KIND`` counts when the block's ``kind`` is
    KIND or is not a plain string (``kind = var.kind`` can be anything)."""
    lexed = blank_comments(text, HASH)
    blocks = [(m.start(), m.group(1), m.group(2), m.group(3)) for m in _TF_BLOCK.finditer(lexed.code)]
    wanted = [b for b in blocks if cat.resource(b[2], None) is not None or cat.resource_needs_kind(b[2])]
    if not wanted:
        return
    kinds = _hcl_kinds(text, budget) if any(cat.resource_needs_kind(b[2]) for b in wanted) else {}
    if kinds is None:  # not parsed: each block's kind is the first `kind =` before the next block
        kinds = {}
        starts = [b[0] for b in blocks] + [len(lexed.code)]
        for k, (start, block, rtype, name) in enumerate(blocks):
            m = _TF_KIND.search(lexed.code, start, starts[k + 1])
            kinds[(block, rtype, name)] = _plain(m.group(1).strip()) if m is not None else None
    for start, block, rtype, name in wanted:
        kind = kinds.get((block, rtype, name))
        sig = cat.resource(rtype, kind if kind != _EXPRESSION else None)
        if sig is None and kind == _EXPRESSION and cat.resource_needs_kind(rtype):
            sig = next((s for want in cat.resource_kinds(rtype) if (s := cat.resource(rtype, want)) is not None), None)
        if sig is not None:
            shown = f"{rtype} (kind {kind})" if kind and kind != _EXPRESSION else rtype
            yield _det(rel, lexed.line_of(start), "resource", sig, shown)


_EXPRESSION = "\0expression"
"""A ``kind`` that is not a plain string: what it will be is not known here."""


def _plain(value: str) -> str:
    """A ``kind`` value as written: the string when it is a plain one, else
    :data:`_EXPRESSION` (a variable, a function call, an interpolation)."""
    if len(value) >= 2 and value[0] == value[-1] == '"' and '"' not in value[1:-1] and "${" not in value:
        return value[1:-1]
    return _EXPRESSION


def _hcl_kinds(text: str, budget: ParseBudget) -> dict[tuple[str, str, str], str | None] | None:
    """The ``kind`` of each resource and data block, parsed by python-hcl2; None when
    the file is too large, the scan's parse budget is spent, or it does not parse."""
    if len(text) > MAX_HCL_BYTES or not budget.take(len(text)):
        return None
    try:
        import hcl2

        data = hcl2.loads(text)
    # The parser raises its own errors (lark's) and may exhaust the stack on deep nesting:
    # whatever it raises, the file is read line by line instead.
    except Exception:
        return None
    out: dict[tuple[str, str, str], str | None] = {}
    for block in ("resource", "data"):
        for entry in _list(data.get(block) if isinstance(data, dict) else None):
            for rtype, named in (entry.items() if isinstance(entry, dict) else ()):
                for name, body in (named.items() if isinstance(named, dict) else ()):
                    kind = body.get("kind") if isinstance(body, dict) else None
                    out[(block, _unquote(rtype), _unquote(name))] = None if kind is None else _plain(_quoted(kind))
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _unquote(value: object) -> str:
    text = str(value)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _quoted(value: object) -> str:
    """python-hcl2 gives strings with their quotes (8.x) or without (older): as written."""
    if not isinstance(value, str):
        return "expression"
    return value if value.startswith('"') else f'"{value}"' if "${" not in value else value


# -- CloudFormation / SAM, ARM, Bicep ---------------------------------------------------
_CFN_TYPE = LazyPattern(
    r"(?m)^[ \t-]{0,80}[\"']?Type[\"']?[ \t]{0,20}:[ \t]{0,20}[\"']?(AWS::[A-Za-z0-9]{1,100}::[A-Za-z0-9]{1,100})"
)


def _cloudformation(rel: str, lexed: Lexed, cat: Catalogue) -> Iterator[Detection]:
    """``Type: AWS::Bedrock::Agent`` and the like, in YAML or JSON templates."""
    if "AWS::" not in lexed.code:
        return  # the pattern searches line by line; most files are no template
    for m in _CFN_TYPE.finditer(lexed.code):
        sig = cat.resource(m.group(1), None)
        if sig is not None:
            yield _det(rel, lexed.line_of(m.start(1)), "resource", sig, m.group(1))


_ARM_TYPE = LazyPattern(r"\"type\"[ \t\r\n]{0,40}:[ \t\r\n]{0,40}\"([A-Za-z0-9./_-]{1,300})\"")


def arm(rel: str, text: str, cat: Catalogue) -> Iterator[Detection]:
    """Resources of an ARM template: each object with a ``type`` the catalogue lists
    (and, for ``TYPE:KIND`` entries, that ``kind``), at the line of its ``type``."""
    if '"Microsoft.' not in text and '"microsoft.' not in text:
        return
    starts = line_starts(text)
    lines: dict[str, list[int]] = {}
    for m in _ARM_TYPE.finditer(text):
        lines.setdefault(m.group(1), []).append(bisect.bisect_right(starts, m.start()))
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return
    seen = dict.fromkeys(lines, 0)
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        rtype = node.get("type")
        if isinstance(rtype, str) and rtype in lines:
            line = lines[rtype][min(seen[rtype], len(lines[rtype]) - 1)]
            seen[rtype] += 1
            kind = node.get("kind")
            sig = cat.resource(rtype, kind if isinstance(kind, str) else None)
            if sig is not None:
                yield _det(rel, line, "resource", sig, f"{rtype} (kind {kind})" if isinstance(kind, str) else rtype)
        # In document order, so that the n-th object of a type is at its n-th line.
        stack.extend(reversed([v for v in node.values() if isinstance(v, (dict, list))]))


_BICEP_RESOURCE = LazyPattern(
    r"(?m)^[ \t]{0,40}resource[ \t]{1,20}[A-Za-z_][A-Za-z0-9_]{0,100}[ \t]{1,20}'([A-Za-z0-9./_-]{1,300})(?:@[^'\n]{0,60})?'"
)
_BICEP_KIND = LazyPattern(r"(?m)^[ \t]{0,40}kind[ \t]{0,20}:[ \t]{0,20}([^\n]{0,200})")


def bicep(rel: str, text: str, cat: Catalogue) -> Iterator[Detection]:
    """``resource name 'Microsoft.CognitiveServices/accounts@2024-10-01' = {...}``; a
    resource's ``kind`` is the first one between it and the next resource."""
    lexed = blank_comments(text, C_STYLE)
    code = lexed.code
    heads = list(_BICEP_RESOURCE.finditer(code))
    ends = [m.start() for m in heads[1:]] + [len(code)]
    for m, end in zip(heads, ends, strict=True):
        rtype = m.group(1)
        kind: str | None = None
        if cat.resource_needs_kind(rtype):
            km = _BICEP_KIND.search(code, m.end(), end)
            value = km.group(1).strip() if km is not None else ""
            kind = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == "'" and "${" not in value else None
            if km is not None and kind is None:  # an expression: any kind
                kind = next(iter(cat.resource_kinds(rtype)), None)
        sig = cat.resource(rtype, kind)
        if sig is not None:
            yield _det(rel, lexed.line_of(m.start(1)), "resource", sig, f"{rtype} (kind {kind})" if kind else rtype)


# -- containers and CI --------------------------------------------------------------------
# Searched in RE2, which skips the lines that cannot match at DFA speed: Python's ``re``
# tries a ``(?m)^`` pattern at every position, and on recorded API exchanges (crewAI's
# YAML cassettes, 20 MB, where "image" and "uses" are words of the bodies) these three
# were 0.14 s of 0.78 s of configuration work.
_FROM = linear.LazyPattern(r"(?mi)^[ \t]{0,40}FROM[ \t]{1,20}([^\n]{1,400})")
_IMAGE = linear.LazyPattern(r"(?m)^[ \t-]{0,80}[\"']?image[\"']?[ \t]{0,20}:[ \t]{0,20}[\"']?([^ \t\r\n\"']{1,300})")
_USES = linear.LazyPattern(
    r"(?m)^[ \t-]{0,80}[\"']?uses[\"']?[ \t]{0,20}:[ \t]{0,20}[\"']?([A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_./-]{1,300})@"
)


def image_name(ref: str) -> str:
    """An image reference without the default registry, its tag and its digest:
    ``docker.io/ollama/ollama:0.3.12`` is ``ollama/ollama``."""
    name = ref.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name = name[:colon]
    for prefix in ("docker.io/library/", "docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _images(rel: str, lexed: Lexed, pattern: linear.LazyPattern, cat: Catalogue) -> Iterator[Detection]:
    for m in pattern.finditer(lexed.code):
        # FROM [--platform=...] image [AS name]: the first word that is not a flag.
        ref = next((w for w in m.group(1).split() if not w.startswith("--")), "")
        name = image_name(ref.strip("\"'"))
        sig = cat.images.find(name)
        if sig is not None:
            yield _det(rel, lexed.line_of(m.start(1)), "image", sig, name)


def _actions(rel: str, lexed: Lexed, cat: Catalogue) -> Iterator[Detection]:
    if "uses" not in lexed.code:
        return  # no key the pattern needs
    for m in _USES.finditer(lexed.code):
        sig = cat.actions.find(m.group(1))
        if sig is not None:
            yield _det(rel, lexed.line_of(m.start(1)), "action", sig, m.group(1))


# -- request batches ------------------------------------------------------------------------
def batch(rel: str, text: str, cat: Catalogue) -> Iterator[Detection]:
    """A ``.jsonl`` file of requests (an OpenAI or Anthropic batch): what its lines
    show, each distinct thing once, at its first line (a batch repeats its endpoint
    and model on every line)."""
    from prodgate.discovery import code

    seen: set[tuple[str, str, str]] = set()
    for det in code.json_values(rel, text, cat, data=True):
        key = (det.kind, det.signature, det.match)
        if key not in seen:
            seen.add(key)
            yield det
