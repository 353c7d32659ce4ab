"""Reporters render a :class:`~prodgate.report.Report`; they never decide anything.

They are looked up by name and imported only when used, so ``prodgate check`` on a
terminal never pays for the SARIF or GitHub code.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:  # keeps `prodgate validate`, which imports the text reporter, light
    from prodgate.report import Report


class Reporter(Protocol):
    def __call__(self, report: Report, out: TextIO, *, color: bool = False) -> None: ...


REPORTERS: dict[str, str] = {
    "text": "prodgate.reporters.text:render",
    "json": "prodgate.reporters.json_report:render",
    "github": "prodgate.reporters.github:render",
    "sarif": "prodgate.reporters.sarif:render",
    "markdown": "prodgate.reporters.markdown:render",
    "pr-comment": "prodgate.reporters.markdown:render_pr_comment",
    "junit": "prodgate.reporters.junit:render",
}


def get_reporter(name: str) -> Reporter:
    module, func = REPORTERS[name].split(":")
    render: Reporter = getattr(importlib.import_module(module), func)
    return render


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """``svc-2`` before ``svc-10``: digit runs compare as numbers (every reporter lists
    assets in this order)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part)
