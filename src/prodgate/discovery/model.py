"""What a scan finds: detections, and the files it could not read."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields, replace

KINDS = (
    "import", "dependency", "endpoint", "credential", "model", "weights", "resource", "image", "action",
    "mcp_server", "agent", "tool",
)
"""Detection kinds: an SDK import, a dependency in a manifest or lock file (or an
install command), an API endpoint, an environment variable holding an AI credential, a
model identifier, a model weights file, an AI service that infrastructure as code
provisions, a model server's container image, a CI action that calls a model; an MCP
server (configured for an editor or agent, or defined or connected to in code), an
agent framework used, a tool given to a model (see :mod:`prodgate.discovery.agents`)."""


@dataclass(frozen=True, order=True)
class Detection:
    """One place that shows AI use. ``path`` is repository-relative with ``/``; ``line``
    is 1-based (1 for files without lines, such as weights); ``match`` is the text seen
    (module, package, host, variable, file format)."""

    path: str
    line: int
    kind: str
    signature: str
    provider: str | None = None
    model: str | None = None
    match: str = ""
    asset: str | None = None
    name: str | None = None
    """An MCP server's or a tool's name, when the file gives one."""
    effect: str | None = None
    """A tool's effect (read, write, execute, communicate, payment) when it can be told."""

    def at(self, line: int) -> Detection:
        """The same detection at another line (of the file, where a reader saw it in a
        part: a notebook cell, a line of a fallback, a key of a configuration file)."""
        return replace(self, line=max(line, 1))

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "kind": self.kind,
            "signature": self.signature,
            "provider": self.provider,
            "model": self.model,
            "asset": self.asset,
            "name": self.name,
            "effect": self.effect,
        }


@dataclass(frozen=True, order=True)
class Skipped:
    """A file a scan would have read but did not, and why (too large, binary, unreadable)."""

    path: str
    reason: str


HCL_SCAN_BYTES = 256 * 1024
"""Terraform one scan gives the parser in all (about 11 s here; see :class:`ParseBudget`)."""


def is_terraform(rel: str) -> bool:
    """Whether a file is read as Terraform (or OpenTofu): the files a scan's
    :class:`ParseBudget` is spent on."""
    low = rel.rsplit("/", 1)[-1].lower()
    return "." in low.lstrip(".") and low.rsplit(".", 1)[-1] in ("tf", "tofu")


@dataclass
class ParseBudget:
    """Bytes a slow parser may still read in one scan. python-hcl2 costs about 44 µs a
    byte (1.4 s for 32 KiB here), so without a bound for the whole scan a pull request
    of many Terraform files could stall the gate; past the budget a file is read the
    way a file too large to parse is."""

    left: int

    def take(self, size: int) -> bool:
        """Whether ``size`` more bytes may be parsed (and, if so, count them)."""
        if size > self.left:
            return False
        self.left -= size
        return True


@dataclass
class ScanResult:
    detections: list[Detection] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: int = 0
    """Files considered (after skip-lists), for the summary line."""
    listed: list[str] = field(default_factory=list)
    """Every file in scope (after skip-lists), sorted."""
    declarations: list[str] = field(default_factory=list)
    """Declarations met while listing files (complete only for a whole-repository scan)."""


@dataclass(frozen=True)
class Exemption:
    """A path the policy exempts from PG801, with the reason the report shows."""

    path: str
    reason: str

    def covers(self, rel: str) -> bool:
        from prodgate.globs import GlobError, compile_glob

        try:
            return compile_glob(self.path).match(rel)
        except GlobError:
            return False


SORT_KEY = operator.attrgetter(*(f.name for f in fields(Detection)))
"""The order of :class:`Detection` (its fields in turn) as a key: sorting 20,000
detections by the dataclass's ``__lt__`` took 317,000 calls of it (0.2 s of a 3.8 s
scan of crewAI's sources); a key is built once per detection, in C."""
