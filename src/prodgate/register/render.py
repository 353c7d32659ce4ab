"""The register as one offline HTML page, or its tables as CSV or JSON.

Every name, path and owner on the page came from a repository, so the page is rendered
by a Jinja2 environment that autoescapes everything, and its Content-Security-Policy
lets only the page's own script run (by hash) and loads nothing from anywhere: a
``<script>`` in a repository name is shown as text and could not run even if an
escape were missed. Every value printed also passes :func:`prodgate.hygiene.visible`,
so a bidirectional override or a zero-width character shows as its escape (``\\u202e``)
instead of making a name read as another. A link is written only when it is http(s)
or relative (:func:`safe_href`), and only from a repository, commit and path of the
shapes they claim (:mod:`prodgate.register.links`); anything else (``javascript:``,
``data:``, a path climbing out with ``..``) is shown as text. The page embeds no data in a script: its one script is the fixed
``register.js``, which reads the table's text. Charts are drawn by matplotlib as SVG
with text as paths, from counts, the gate's fixed tier and stage names and checked
dates only, never from repository text (:mod:`prodgate.register.charts`).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from markupsafe import Markup

from prodgate import __version__
from prodgate.hygiene import visible
from prodgate.register.detail import anchor, sections
from prodgate.register.links import commit_ok, path_ok, repository_ok
from prodgate.register.views import EXPIRY_WINDOW_DAYS, RegisterView, gate_state, overdue
from prodgate.register.vocabulary import STAGES, TIERS

if TYPE_CHECKING:
    from prodgate.register.charts import ChartProcess

DEFAULT_LINK = "https://github.com/{repository}/blob/{commit}/{path}"
MAX_ROWS = 50
"""Rows of each side table; the rest are in its full export (:func:`capped_tables`).
The asset table always shows every asset: it is the register, filtered in the page."""

ROLLUPS = (
    ("owners", "Assets by owner", "owner", "Owner"),
    ("by_business_owner", "Assets by business owner", "business_owner", "Business owner"),
    ("by_model", "Assets by provider and model", "model", "Model"),
    ("by_classification", "Assets by data classification", "classification", "Classification"),
    ("agents_by_effect", "Agents by the strongest effect of their tools", "effect", "Strongest effect"),
)
"""The roll-ups of one value each: table, title, the value's key and column heading."""

CAPPED = ("stale_repositories", "lapsed_exceptions", "changes", "broken", "expiring_exceptions", "overdue_reviews", "undeclared_locations", "unowned", "not_codeowner", "owners", "by_business_owner", "by_model",
          "by_classification", "undeclared_by_repository", "by_team", "by_policy")
"""The side tables of the page, each shown up to :data:`MAX_ROWS` rows."""


@dataclass(frozen=True)
class Chart:
    title: str
    svg: Any  # markupsafe.Markup: our own SVG


@dataclass(frozen=True)
class Export:
    """A table's full export beside the page: its link (relative) and file name."""

    href: str
    name: str


def capped_tables(view: RegisterView) -> list[str]:
    """The side tables with more rows than the page shows (:data:`MAX_ROWS`)."""
    tables = view.side_tables()
    return [t for t in CAPPED if len(tables[t]) > MAX_ROWS]


def export_name(page_name: str, table: str) -> str:
    """The file beside the page ``page_name`` (a file name) holding ``table`` as CSV:
    ``register.html`` -> ``register.expiring_exceptions.csv``."""
    stem = page_name[: -len(".html")] if page_name.lower().endswith(".html") else page_name
    return f"{stem}.{table}.csv"


def render_html(
    view: RegisterView, out: TextIO, link_template: str = DEFAULT_LINK, charts: ChartProcess | None = None,
    exports: dict[str, str] | None = None,
) -> None:
    """The page of ``view``. With ``charts``, a chart process started before the view
    was read, the charts are drawn there while the asset rows are written here.
    ``exports`` names, for each capped table, the file beside the page holding all of
    it; a capped table without one names the command that exports it."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from prodgate.register.charts import TITLES, draw

    counts = {"tier_stage": view.tier_stage, "gate_by_tier": view.gate_by_tier, "trend": view.trend}
    if charts is not None:
        charts.send(counts)
    links = _Links(link_template)
    rows = _asset_rows(view, links)
    body = []  # in memory (25 MB for 50,000 assets): the charts come before the rows
    while chunk := "".join(itertools.islice(rows, 2000)):
        body.append(chunk)

    folder = resources.files("prodgate.register") / "templates"
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
        finalize=_shown,
    )
    script = (folder / "register.js").read_text(encoding="utf-8")
    if "</script" in script.lower() or "<!--" in script:  # pragma: no cover - a fixed file
        raise AssertionError("register.js would end its <script> element early")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    places = [f"\x00chart {i}\x00" for i in range(len(TITLES))]  # laid out while the charts are drawn
    page = env.get_template("register.html.j2").render(
        view=view,
        asset_rows=Markup(_ROWS),
        asset_details=Markup(_DETAILS),
        charts=[Chart(title, Markup(place)) for title, place in zip(TITLES, places, strict=True)],
        script=Markup(script),
        script_hash=f"sha256-{digest}",
        window=EXPIRY_WINDOW_DAYS,
        rollups=[
            (table, title, key, label, getattr(view, table))
            for table, title, key, label in ROLLUPS
            if table != "agents_by_effect" or view.agents_by_effect  # no agent declared: nothing to show
        ],
        place_links=[Markup(_place_link(links, u)) for u in view.undeclared_locations[:MAX_ROWS]],
        exports={t: Export(Markup(_text(quote(name))), name) for t, name in (exports or {}).items()},
        detail_of=_detail_index(view).get2,
        max_rows=MAX_ROWS,
        tiers=TIERS,
        stages=STAGES,
        version=__version__,
    )
    for place, svg in zip(places, charts.result() if charts is not None else draw(counts), strict=True):
        page = page.replace(place, svg, 1)
    head, marker, tail = page.partition(_ROWS)
    between, marker2, tail = tail.partition(_DETAILS)
    if not (marker and marker2) or _ROWS in tail or _DETAILS in tail:  # pragma: no cover - the template holds one of each
        raise AssertionError("the page has no single place for the asset rows and their details")
    out.write(head)
    out.writelines(body)
    out.write(between)
    texts = _Texts()
    details = sections(view, texts.__getitem__, links)
    while chunk := "".join(itertools.islice(details, 2000)):
        out.write(chunk)
    out.write(tail)


class _Anchors(dict[tuple[str, str], str]):
    """(repository, asset) -> the fragment of the asset's detail view."""

    def get2(self, repository: str, asset: str) -> str:
        return self.get((repository, asset), "")


def _detail_index(view: RegisterView) -> _Anchors:
    """Where each asset's detail view is, for the side tables' links to it (the first
    of two assets a repository names alike)."""
    out = _Anchors()
    for i, row in enumerate(view.rows):
        out.setdefault((row[0], row[2]), anchor(i))
    return out


def _place_link(links: _Links, place: dict[str, Any]) -> str:
    """The link of an undeclared use (text for an attribute), at its line when the
    link is GitHub's own (``#L12``)."""
    href = links(place["repository"], place["commit"], place["path"])
    if href and links.template == DEFAULT_LINK and isinstance(place["line"], int) and place["line"] > 0:
        href += f"#L{place['line']}"
    return href


_ROWS = "\x00asset rows\x00"
_DETAILS = "\x00asset details\x00"
"""Where the asset table's rows go in the page, which is written around them: no text
from the register can hold a NUL (:func:`_text` shows it as ``\\x00``), our markup holds
none. The charts' places are marked alike."""


def _asset_rows(view: RegisterView, link: _Links) -> Iterator[str]:
    """The asset table's rows, one per asset of every repository (50,000 in a large
    register): written here rather than in the template, where Jinja2's attribute
    lookups took most of the page's time. Every value goes through :func:`_text`, as
    every value printed by the template goes through ``finalize`` and autoescape, once
    per distinct value: a register repeats its repositories, tiers, owners, models and
    paths across thousands of rows."""
    text = _Texts()
    today = view.today
    index = -1
    reasons = view.reasons
    for repository, commit, name, path, tier, effective, stage, owner, models, passed, next_review, review_overdue, error, *_ in view.rows:
        href = link(repository, commit, path)
        shown_path = f'<a href="{href}" rel="noopener noreferrer"><code>{text[path]}</code></a>' if href else f"<code>{text[path]}</code>"
        declared = f' <span class="muted">(declared {text[tier]})</span>' if tier != effective else ""
        gate = gate_state(passed, error)
        index += 1
        late = overdue(next_review, review_overdue, today)
        why = f'<br><span class="failed">{text[error]}</span>' if error is not None else ""
        now = reasons.get((repository, name))
        if now:
            why += f'<br><span class="failed">as of {text[today]}: {text["; ".join(now)]}</span>'
        yield (
            f'<tr data-tier="{text[effective]}" data-stage="{text[stage]}" '
            f'data-gate="{gate}{" failed" if error is not None else ""}{" overdue" if late else ""}"><td>{text[repository]}</td>'
            f'<td><a class="detail-link" href="#{anchor(index)}">{text[name]}</a>'
            f'<br><span class="muted">{shown_path}</span>{why}</td>'
            f'<td>{text[effective]}{declared}</td><td>{text[stage]}</td><td>{text[owner or ""]}</td>'
            f'<td>{text[models]}</td><td class="{gate}">{gate}</td>'
            f'<td class="{"overdue" if late else ""}">{text[next_review or ""] or ("overdue" if late else "")}</td></tr>\n'
        )


class _Texts(dict[Any, str]):
    """:func:`_text` of each value, computed the first time the value is met."""

    def __missing__(self, value: Any) -> str:
        shown = self[value] = _text(value)
        return shown


def _text(value: Any) -> str:
    """Text for HTML: made visible, then escaped for an element or a quoted attribute
    (``&<>"'``, as autoescape does)."""
    return html.escape(visible(value if isinstance(value, str) else str(value)), quote=True)


def _shown(value: Any) -> Any:
    """Jinja2's ``finalize``: every printed string made visible (our own markup kept)."""
    return visible(value) if isinstance(value, str) and not isinstance(value, Markup) else value


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BLANK_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def safe_href(url: str) -> str:
    """``url`` when a browser would follow it to an http(s) page (absolute, or relative
    to the page), else "". Whitespace and control characters anywhere refuse it:
    browsers drop them, so ``java<TAB>script:`` is ``javascript:`` to them."""
    if not url or _BLANK_OR_CONTROL.search(url):
        return ""
    scheme = _SCHEME.match(url)
    if scheme is None:
        return "" if url.startswith("\\") else url  # relative; a leading backslash is "/" to a browser
    return url if scheme.group(1).lower() in ("http", "https") else ""


def link_template_problem(template: str) -> str | None:
    """Why ``--link-template`` cannot make links, or None (empty means no links)."""
    if not template:
        return None
    try:
        sample = template.format(repository="acme/app", commit="0" * 40, path="ai-asset.yaml")
    except (KeyError, IndexError, ValueError) as exc:
        return f"--link-template {template!r}: only {{repository}}, {{commit}} and {{path}} can be filled in ({exc})"
    if not safe_href(sample):
        return f"--link-template {template!r}: links must be http(s) URLs or relative ones"
    return None


class _Links:
    """Each asset's link from the template, as text for an attribute (:func:`_text`).

    Percent-encoded values hold no blank, control, quote or markup character, so when
    the template itself names an http(s) scheme before its first field (as the default
    does), its text is a safe link and it fills its fields in as they are (no
    conversion, no format), every link made from it is a safe link (what
    :func:`safe_href` would keep) and its text for HTML is the template's text filled
    in. Filled in with a NUL for the path, it splits into the text around the path,
    the same for every asset of a repository's commit: a link is then one join. Any
    other template is filled in and checked link by link. Either way a repository
    and commit, and a path, are checked and percent-encoded once however many assets
    share them.
    """

    def __init__(self, template: str) -> None:
        from string import Formatter

        self.template = template
        self.encoded: dict[tuple[str, str], tuple[str, str]] = {}
        self.paths: dict[str, str] = {}
        scheme = _SCHEME.match(template.split("{", 1)[0])
        sample = template.format(repository="r", commit="c", path="p") if template else ""
        plain = all(spec == "" and conversion is None for _, name, spec, conversion in Formatter().parse(template) if name)
        fixed = plain and scheme is not None and scheme.group(1).lower() in ("http", "https") and safe_href(sample) == sample
        self.filled = _text(template) if fixed else None
        self.around: dict[tuple[str, str], list[str]] = {}
        self.valid: dict[tuple[str, str], bool] = {}

    def __call__(self, repository: str, commit: str, path: str) -> str:
        """The link of a path at a repository's commit, or "" when any of the three is
        not what it claims to be (:mod:`prodgate.register.links`): no link is better
        than one a hostile path points elsewhere."""
        if not self.template:
            return ""
        key = (repository, commit)
        encoded_path = self.paths.get(path)
        if encoded_path is None:
            encoded_path = self.paths[path] = quote(path, safe="/") if path_ok(path) else ""
        if not encoded_path:
            return ""
        valid = self.valid.get(key)
        if valid is None:
            valid = self.valid[key] = repository_ok(repository) and commit_ok(commit)
        if not valid:
            return ""
        if self.filled is not None:
            around = self.around.get(key)
            if around is None:
                # No NUL in the template (an argument) nor in a percent-encoded value.
                repo, at = quote(repository, safe="/"), quote(commit or "HEAD", safe="")
                around = self.around[key] = self.filled.format(repository=repo, commit=at, path="\x00").split("\x00")
            return encoded_path.join(around)
        if key not in self.encoded:
            self.encoded[key] = (quote(repository, safe="/"), quote(commit or "HEAD", safe=""))
        repo, at = self.encoded[key]
        return _text(safe_href(self.template.format(repository=repo, commit=at, path=encoded_path)))


def write_json(view: RegisterView, out: TextIO) -> None:
    from prodgate.hygiene import json_text

    doc = {"register_version": 1, "today": view.today, **view.tables()}
    out.write(json_text(json.dumps(doc, indent=1, ensure_ascii=False)))
    out.write("\n")


def write_csv(view: RegisterView, out: TextIO, table: str) -> None:
    rows = view.table(table)
    from prodgate.inventory.writers import neutral_cell

    if not rows:
        return
    w = csv.writer(out, lineterminator="\n")
    w.writerow(list(rows[0]))
    for row in rows:
        w.writerow([neutral_cell(v) for v in row.values()])
