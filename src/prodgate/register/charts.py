"""The register page's three charts, drawn by matplotlib as SVG, in a process of their own.

Importing matplotlib (numpy with it) takes 0.3 s, longer than reading the 50,000
assets of a large register, and drawing takes another 0.1 s. So the report starts a
chart process first (:class:`ChartProcess`): it imports matplotlib while this process
reads the register and writes the asset rows, then draws from the counts it is sent.
On two cores the charts cost the report nothing but the wait for the slower side.

The chart process is given counts, the gate's fixed tier and stage names and checked
dates, never a word from a repository, and it runs isolated (``python -I``) in
prodgate's own folder: neither the working directory, which may be a repository's
checkout, nor ``PYTHON*`` variables can put a module or a ``matplotlibrc`` in its
way. Should it fail to start, fail or say anything but the charts, they are drawn
here instead: the page comes out either way, with the same bytes.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

from prodgate.register.vocabulary import STAGES, TIERS

_TIER_COLOURS = {"team": "#8fb8de", "departmental": "#3c78b4", "enterprise": "#1b3f66"}
TIMEOUT = 120.0
"""Seconds the report waits for the chart process before drawing the charts itself."""

TITLES = ("Assets by effective tier and stage", "Gate status by effective tier", "Trend over time")
"""The charts, in the page's order: the page is laid out with these before they are drawn."""

Counts = dict[str, Any]
"""``tier_stage`` ({tier: {stage: n}}), ``gate_by_tier`` ({tier: {"passed": n,
"failed": n}}) and ``trend`` ([{"date", "assets", "failing", "undeclared"}]), as
:class:`prodgate.register.views.RegisterView` holds them: plain JSON."""


def draw(counts: Counts) -> list[str]:
    """Each chart's SVG, in the order of :data:`TITLES`, drawn with matplotlib's own
    defaults: a ``matplotlibrc`` in the working directory (a repository's checkout) or
    the user's changes nothing on the page."""
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams["svg.fonttype"] = "path"  # text as outlines: no text nodes at all
        matplotlib.rcParams["svg.hashsalt"] = "prodgate"  # stable ids: the same data, the same page
        return _draw(counts)


def _draw(counts: Counts) -> list[str]:
    from matplotlib.figure import Figure

    tier_stage, gate_by_tier, trend = counts["tier_stage"], counts["gate_by_tier"], counts["trend"]
    out = []
    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.add_subplot()
    width = 0.8 / len(TIERS)
    for i, tier in enumerate(TIERS):
        xs = [s + (i - 1) * width for s in range(len(STAGES))]
        ax.bar(xs, [tier_stage[tier][s] for s in STAGES], width, label=tier, color=_TIER_COLOURS[tier])
    ax.set_xticks(range(len(STAGES)), STAGES)
    _title_and_legend(fig, ax, TITLES[0])
    _tidy(ax)
    out.append(_svg(fig, left=0.15))

    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.add_subplot()
    passed = [gate_by_tier[t]["passed"] for t in TIERS]
    failed = [gate_by_tier[t]["failed"] for t in TIERS]
    ax.barh(list(TIERS), passed, color="#1a7f37", label="passed")
    ax.barh(list(TIERS), failed, left=passed, color="#cf222e", label="failed")
    _title_and_legend(fig, ax, TITLES[1])
    _tidy(ax)
    out.append(_svg(fig, left=0.25, right=0.93))

    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.add_subplot()
    days = [t["date"] for t in trend]
    ax.plot(days, [t["assets"] for t in trend], marker="o", label="assets", color="#3c78b4")
    ax.plot(days, [t["failing"] for t in trend], marker="o", label="failing", color="#cf222e")
    ax.plot(days, [t["undeclared"] for t in trend], marker="o", label="undeclared", color="#9a6700")
    _title_and_legend(fig, ax, TITLES[2])
    if len(days) > 6:
        step = max(1, len(days) // 6)
        ax.set_xticks(days[::step])
    ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    _tidy(ax)
    out.append(_svg(fig, left=0.16, bottom=0.24))
    return out


def _title_and_legend(fig: Any, ax: Any, title: str) -> None:
    """The title at the top of the figure and the legend in one row under it, above
    the plotting area: inside it, wherever matplotlib placed it, a legend covered the
    bars or lines of some register (at 2,000 repositories, every chart's)."""
    fig.suptitle(title, fontsize=10, y=0.98)
    ax.legend(fontsize=8, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3,
              borderaxespad=0.3, handlelength=1.5, columnspacing=1.2)


def _tidy(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)


def _svg(fig: Any, left: float, right: float = 0.96, bottom: float = 0.13) -> str:
    # Margins fixed for tick labels of up to six digits, the tier names and dates
    # turned 30 degrees: fitting them to the labels drew each chart twice.
    fig.subplots_adjust(left=left, right=right, bottom=bottom, top=0.80)  # the title and legend above
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]  # drop the XML declaration and DOCTYPE
    start, end = text.find("<metadata>"), text.find("</metadata>")
    if 0 <= start < end:  # the RDF block names the creator tool, nothing a reader needs
        text = text[:start] + text[end + len("</metadata>") :]
    return text


# The chart process: isolated, it finds prodgate where this process found it.
_SERVE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from prodgate.register.charts import serve; serve()"
)


class ChartProcess:
    """A process that imports matplotlib from the moment it is made, then draws the
    counts :meth:`send` gives it; :meth:`result` has the charts. Used once."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.counts: Counts | None = None
        if not sys.executable:  # an embedded interpreter: nothing to start
            return
        root = str(Path(__file__).resolve().parents[2])
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-c", _SERVE, root],
                cwd=Path(__file__).parent,  # not a checkout: matplotlib reads a matplotlibrc there
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self.proc = None

    def send(self, counts: Counts) -> None:
        """Have the charts of ``counts`` drawn while this process goes on. The chart
        process reads its input while it imports, so this does not wait for it."""
        self.counts = counts
        proc = self.proc
        if proc is None or proc.stdin is None:
            return
        try:
            proc.stdin.write(json.dumps(counts).encode("utf-8"))
            proc.stdin.close()
        except (OSError, ValueError):
            self.close()

    def result(self) -> list[str]:
        """The charts of the counts sent: from the chart process, else drawn here."""
        if self.counts is None:
            raise ValueError("send the counts first")
        proc, self.proc = self.proc, None
        if proc is not None and proc.stdout is not None:
            timer = threading.Timer(TIMEOUT, proc.kill)
            timer.start()
            try:
                out = proc.stdout.read()
                charts = _charts_of(out) if proc.wait() == 0 else None
            except OSError:
                charts = None
            finally:
                timer.cancel()
                _stop(proc)
            if charts is not None:
                return charts
        return draw(self.counts)

    def close(self) -> None:
        """Stop the chart process if it still runs (the report failed, or sending did)."""
        proc, self.proc = self.proc, None
        if proc is not None:
            _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


def _charts_of(out: bytes) -> list[str] | None:
    """The chart process's answer, if it is an SVG for each of :data:`TITLES`."""
    try:
        data = json.loads(out)
    except ValueError:
        return None
    if not (isinstance(data, list) and len(data) == len(TITLES)):
        return None
    if not all(isinstance(svg, str) and svg.startswith("<svg") for svg in data):
        return None
    return data


def serve() -> NoReturn:
    """The chart process: import matplotlib while stdin is read (in a thread, so that
    the report writing the counts never waits for the import), then draw the counts
    and write the charts to stdout, as JSON both."""
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(sys.stdin.buffer.read()), daemon=True)
    reader.start()
    import matplotlib.figure  # noqa: F401 - the import is the point of starting early

    reader.join()
    sys.stdout.write(json.dumps(draw(json.loads(got[0]))))
    sys.stdout.flush()
    os._exit(0)  # the answer is out: tearing matplotlib and numpy down would take 0.1 s more
