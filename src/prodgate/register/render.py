"""The register as one offline HTML page, or its tables as CSV or JSON.

Every name, path and owner on the page came from a repository, so the page is rendered
by a Jinja2 environment that autoescapes everything, and its Content-Security-Policy
lets only the page's own script run (by hash) and loads nothing from anywhere: a
``<script>`` in a repository name is shown as text and could not run even if an
escape were missed. Charts are drawn by matplotlib as SVG with text as paths, from
counts and the gate's fixed tier and stage names only, never from repository text.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, TextIO
from urllib.parse import quote

from prodgate import __version__
from prodgate.register.documents import STAGES, TIERS
from prodgate.register.views import EXPIRY_WINDOW_DAYS, RegisterView

DEFAULT_LINK = "https://github.com/{repository}/blob/{commit}/{path}"
MAX_ROWS = 25
"""Rows of the side tables; the asset table always shows every asset."""

_TIER_COLOURS = {"team": "#8fb8de", "departmental": "#3c78b4", "enterprise": "#1b3f66"}


@dataclass(frozen=True)
class Chart:
    title: str
    svg: Any  # markupsafe.Markup: our own SVG


def render_html(view: RegisterView, out: TextIO, link_template: str = DEFAULT_LINK) -> None:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    folder = resources.files("prodgate.register") / "templates"
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
    )
    script = (folder / "register.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    for a in view.assets:
        a["link"] = _link(link_template, a)
    charts = [Chart(title, Markup(svg)) for title, svg in _charts(view)]
    page = env.get_template("register.html.j2").render(
        view=view,
        charts=charts,
        script=Markup(script),
        script_hash=f"sha256-{digest}",
        window=EXPIRY_WINDOW_DAYS,
        max_rows=MAX_ROWS,
        tiers=TIERS,
        stages=STAGES,
        version=__version__,
    )
    out.write(page)


def _link(template: str, a: dict[str, Any]) -> str:
    if not template:
        return ""
    return template.format(
        repository=quote(a["repository"], safe="/"),
        commit=quote(a["commit"] or "HEAD", safe=""),
        path=quote(a["path"], safe="/"),
    )


def _charts(view: RegisterView) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "path"  # text as outlines: no text nodes at all
    matplotlib.rcParams["svg.hashsalt"] = "prodgate"  # stable ids: the same data, the same page
    from matplotlib.figure import Figure

    out = []
    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.add_subplot()
    width = 0.8 / len(TIERS)
    for i, tier in enumerate(TIERS):
        xs = [s + (i - 1) * width for s in range(len(STAGES))]
        ax.bar(xs, [view.tier_stage[tier][s] for s in STAGES], width, label=tier, color=_TIER_COLOURS[tier])
    ax.set_xticks(range(len(STAGES)), STAGES)
    ax.set_title("Assets by effective tier and stage", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    _tidy(ax)
    out.append(("Assets by effective tier and stage", _svg(fig)))

    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.add_subplot()
    passed = [view.gate_by_tier[t]["passed"] for t in TIERS]
    failed = [view.gate_by_tier[t]["failed"] for t in TIERS]
    ax.barh(list(TIERS), passed, color="#1a7f37", label="passed")
    ax.barh(list(TIERS), failed, left=passed, color="#cf222e", label="failed")
    ax.set_title("Gate status by effective tier", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    _tidy(ax)
    out.append(("Gate status by effective tier", _svg(fig)))

    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.add_subplot()
    days = [t["date"] for t in view.trend]
    ax.plot(days, [t["assets"] for t in view.trend], marker="o", label="assets", color="#3c78b4")
    ax.plot(days, [t["failing"] for t in view.trend], marker="o", label="failing", color="#cf222e")
    ax.plot(days, [t["undeclared"] for t in view.trend], marker="o", label="undeclared", color="#9a6700")
    ax.set_title("Trend over time", fontsize=10)
    if len(days) > 6:
        step = max(1, len(days) // 6)
        ax.set_xticks(days[::step])
    ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    ax.legend(fontsize=8, frameon=False)
    _tidy(ax)
    out.append(("Trend over time", _svg(fig)))
    return out


def _tidy(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)


def _svg(fig: Any) -> str:
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]  # drop the XML declaration and DOCTYPE
    start, end = text.find("<metadata>"), text.find("</metadata>")
    if 0 <= start < end:  # the RDF block names the creator tool, nothing a reader needs
        text = text[:start] + text[end + len("</metadata>") :]
    return text


def write_json(view: RegisterView, out: TextIO) -> None:
    from prodgate.hygiene import json_text

    doc = {"register_version": 1, "today": view.today, **view.tables()}
    out.write(json_text(json.dumps(doc, indent=1, ensure_ascii=False)))
    out.write("\n")


def write_csv(view: RegisterView, out: TextIO, table: str) -> None:
    rows = view.tables()[table]
    from prodgate.inventory.writers import neutral_cell

    if not rows:
        return
    w = csv.writer(out, lineterminator="\n")
    w.writerow(list(rows[0]))
    for row in rows:
        w.writerow([neutral_cell(v) for v in row.values()])
