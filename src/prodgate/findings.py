"""Findings: the values every rule yields and every reporter reads.

Findings are frozen so that no reporter can change what a rule decided, and they carry
everything a reporter needs (location, fix, requirement, waiver) so that reporters stay
free of policy logic.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    """How much a finding matters. The order is the order of reports."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        """0 for the most severe; used for sorting."""
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        return cls(value.strip().lower())


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}


@dataclass(frozen=True)
class Location:
    """A place in a repository file. ``path`` is repository-relative with ``/``.

    ``line`` and ``column`` are 1-based; 0 means "the whole file" (no line known).
    """

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        if self.column <= 0:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Waiver:
    """The approved exception that waives a finding; it stays visible in every report."""

    ticket: str
    expires: str
    reason: str
    location: Location


@dataclass(frozen=True)
class Finding:
    """One unmet requirement or one problem in the evidence.

    ``requirement`` names the policy requirement the finding belongs to (for example
    ``runbook`` or ``evals``); exceptions waive by requirement, and the job summary groups
    by it. ``related`` points at a second place worth looking at (for example the
    declaration line that names an artifact whose content is wrong).
    """

    rule_id: str
    severity: Severity
    message: str
    location: Location
    asset: str | None = None
    fix: str = ""
    requirement: str | None = None
    related: Location | None = None
    waived_by: Waiver | None = None
    advisory: str = ""
    """Why the finding does not block although it is reported as it is (the policy's
    rollout: ``advisory — blocks from 2027-01-31``); empty when it blocks."""
    baseline: str | None = None
    """Against the base commit of a change: ``new`` (introduced by the change: absent
    at the base, or in an asset or file the change touches) or ``unchanged`` (already
    failing at the base, somewhere the change does not touch); None without a base."""

    @property
    def pre_existing(self) -> bool:
        """Already failing at the base, in an asset the change does not touch."""
        return self.baseline == "unchanged"

    @property
    def waived(self) -> bool:
        return self.waived_by is not None

    def with_waiver(self, waiver: Waiver) -> Finding:
        return dataclasses.replace(self, waived_by=waiver)

    def sort_key(self) -> tuple[int, int, str, int, int, str]:
        """Severity first (waived last), then file, line, column, rule: stable output
        and the most important annotation never the one GitHub drops."""
        return (
            1 if self.waived else 0,
            self.severity.rank,
            self.location.path,
            self.location.line,
            self.location.column,
            self.rule_id,
        )
