"""Markdown text shared by the report's sections: escaping, code spans, finding items.

The job summary (:mod:`prodgate.reporters.markdown`) and its sections of their own
(:mod:`~prodgate.reporters.governance`, :mod:`~prodgate.reporters.undeclared`), and the
inventory's Markdown, all write text from a declaration the same way. The helpers live
here, below all of them, so that the document that composes the sections and the
sections themselves import one floor down rather than each other.

Everything from a declaration is escaped (no HTML, links, table cells or ``@``
mentions: a handle is shown as inline code, which GitHub never turns into a mention and
which a reader copies as it is); code spans and fenced blocks hold text literally, except that the hygiene
layer (:mod:`prodgate.hygiene`) shows invisible and bidi characters as escapes
(``\\u200b``), so nothing hides inside what a reader copies.
"""

from __future__ import annotations

import re

from prodgate.findings import Finding, Location, Severity
from prodgate.hygiene import clean, visible
from prodgate.reporters.links import Links

MAX_FIELD = 2000
"""Longest single text (message, fix) shown; longer ones are cut with an ellipsis."""

# ---------------------------------------------------------------------------------------
# Escaping


_SPECIAL = re.compile(r"([\\`*_\[\]|~<>&])")
_MENTION = re.compile(r"(?<![A-Za-z0-9_])@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?")
"""What GitHub reads as a mention: ``@`` after no word character, then a login or
``org/team`` (an e-mail address, ``ada@example.com``, is none)."""
_SPAN = re.compile(r"`([^`\n]+)`")
YAML_START = re.compile(r"^[ \t]*(?:-[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*:(?:[ \t]|$)")


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def text(value: str, *, limit: int = MAX_FIELD) -> str:
    """Plain text safe in Markdown: one line, HTML and Markdown syntax escaped, no pings."""
    return _escape(_clip(" ".join(visible(value).split()), limit))


def _escape(value: str) -> str:
    # "@org/team" in prose would notify the team. As inline code it does not (GitHub
    # finds mentions only outside code), and it reads and copies as written: no
    # character inserted to break it. HTML ``<code>``, not backticks, because
    # ``<summary>`` and other HTML blocks show backticks literally.
    out: list[str] = []
    pos = 0
    for m in _MENTION.finditer(value):
        out.append(_SPECIAL.sub(_escaped, value[pos : m.start()]))
        out.append(f"<code>{m[0]}</code>")
        pos = m.end()
    out.append(_SPECIAL.sub(_escaped, value[pos:]))
    return "".join(out)


def _escaped(m: re.Match[str]) -> str:
    return {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m[1], "\\" + m[1])


def code(value: str, *, in_table: bool = True) -> str:
    """An inline code span holding ``value`` literally (paths, rule ids, tickets, YAML)."""
    value = clean(_clip(" ".join(value.split()), MAX_FIELD))
    fence = "`"
    while fence in value:
        fence += "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    if in_table:
        value = value.replace("|", "\\|")
    return f"{fence}{pad}{value}{pad}{fence}"


def code_block(value: str, lang: str = "yaml", indent: str = "") -> str:
    """A fenced block for multi-line text such as the YAML of a fix."""
    value = clean(value.strip("\n")[: MAX_FIELD * 2])
    fence = "```"
    while fence in value:
        fence += "`"
    body = "\n".join(indent + line for line in value.splitlines())
    return f"{indent}{fence}{lang}\n{body}\n{indent}{fence}\n"


def rich(value: str, *, in_table: bool = False, limit: int = MAX_FIELD) -> str:
    """A message: text escaped, and what it quotes in backticks shown as code."""
    value = _clip(" ".join(visible(value).split()), limit)
    out: list[str] = []
    pos = 0
    for m in _SPAN.finditer(value):
        out.append(_escape(value[pos : m.start()]))
        out.append(code(m[1], in_table=in_table))
        pos = m.end()
    out.append(_escape(value[pos:]))
    return "".join(out)


def is_yaml_fix(fix: str) -> bool:
    """A fix that is YAML to paste (``business_owner: {…}``), not a sentence."""
    lines = [ln for ln in fix.strip("\n").splitlines() if ln.strip()]
    return bool(lines) and bool(YAML_START.match(lines[0])) and not lines[0].rstrip().endswith(".")


def fix_markdown(fix: str, indent: str = "") -> str:
    """What follows a list item's text: YAML in a fenced ``yaml`` block (GitHub gives it
    a copy button), other text on its own line with what it quotes as code."""
    if is_yaml_fix(fix):
        return "\n\n" + code_block(fix, "yaml", indent)
    if "\n" in fix.strip():
        return "\n\n" + code_block(fix, "text", indent)
    return f"\\\n{indent}Fix: {rich(fix)}\n"



SEVERITY_ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.NOTE: "ℹ️"}  # noqa: RUF001


def rule_link(rule_id: str, links: Links) -> str:
    return f"[{code(rule_id, in_table=False)}]({links.rule(rule_id)})"


def place(loc: Location, links: Links, *, in_table: bool = False) -> str:
    """``path:line`` as code, linked to the file at that line in the commit checked."""
    label = code(str(loc), in_table=in_table)
    url = links.location(loc)
    return f"[{label}]({url})" if url else label


def finding_item(f: Finding, links: Links | None = None, *, with_fix: bool = True) -> str:
    """One finding as a list item: icon, rule, place, message, and its fix."""
    links = links or Links()
    icon = "⏸️" if f.waived else SEVERITY_ICON[f.severity]
    item = f"- {icon} {rule_link(f.rule_id, links)} {place(f.location, links)} {rich(f.message)}"
    if f.waived_by is not None:
        w = f.waived_by
        return item + f" — *waived: exception {code(w.ticket, in_table=False)}, expires {text(w.expires)}*\n"
    if not f.fix or not with_fix:
        return item + "\n"
    return item + fix_markdown(f.fix, indent="  ")
