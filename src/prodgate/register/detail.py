"""Each asset's detail view on the register's page: why it fails and who acts.

One section per asset, after the asset table, shown by the browser when the page's
address names it (``#asset-12``, CSS ``:target``): the page stays one offline file with
no script building anything, and the asset row's "details" link is a plain anchor. A
section holds what the register stored of the asset's latest snapshot: its owners, the
requirements it does not meet with what to do about each, its evals with values and
thresholds, its risk facts, an agent's tools by effect, and its exceptions with their
reason, approvers and expiry. Every value is text from a repository: each passes the
page's ``text`` (made visible, escaped) before it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

FIXES = {
    "missing": "Provide it: the policy requires it for this tier and the declaration does not give it "
    "(`prodgate check` names the file and line to change).",
    "unfilled": "Fill it in: the document it names is still the template's placeholder text.",
    "failing": "Make it pass: it is given but does not meet the policy (an eval threshold missed, results "
    "too old or a date out of range); `prodgate check` says which.",
}
"""What to do about a requirement in each state that fails the gate."""


def anchor(index: int) -> str:
    """The fragment of the detail view of the asset at ``index`` in the asset table."""
    return f"asset-{index}"


def sections(
    view: Any, text: Callable[[Any], str], link: Callable[[str, str, str], str]
) -> Iterator[str]:
    """The detail sections of every asset of ``view`` (a RegisterView), in its order."""
    for i, row in enumerate(view.rows):
        (
            repository,
            commit,
            name,
            path,
            _tier,
            effective,
            stage,
            owner,
            models,
            passed,
            next_review,
        ) = row[:11]
        error, business, sources, email, team = row[12:17]
        key = (repository, name)
        facts = view.facts.get(key, [])
        gate = "broken" if error is not None else "passed" if passed else "failed"
        href = link(repository, commit, path)
        shown_path = (
            f'<a href="{href}" rel="noopener noreferrer"><code>{text(path)}</code></a>'
            if href
            else f"<code>{text(path)}</code>"
        )
        parts = [
            f'<section class="detail" id="{anchor(i)}" aria-label="Details of {text(name)}">',
            '<a class="close" href="#assets-title">Close ✕</a>',
            f'<h3>{text(name)} <span class="{gate}">{gate}</span></h3>',
            f"<p>{text(repository)} · {shown_path} · {text(effective)} tier · {text(stage)}</p>",
        ]
        if error is not None:
            parts.append(f'<p class="failed">The declaration does not load: {text(error)}</p>')
        now = view.reasons.get(key)
        if now:
            parts.append(f"<h4>Failing as of {text(view.today)}</h4><ul>")
            parts.extend(f'<li class="failed">{text(reason)}</li>' for reason in now)
            parts.append("</ul>")
        parts.append("<dl>")
        who = text(owner) if owner else '<span class="failed">no named owner</span>'
        if owner and email:
            who += f" &lt;{text(email)}&gt;"
        if owner and team:
            who += f' <span class="muted">(team {text(team)})</span>'
        why_not = next((value for kind, _ev, _name, value in facts if kind == "codeowner"), None)
        if why_not:
            who += f'<br><span class="overdue">not a code owner: {text(why_not)}</span>'
        parts.append(f"<dt>Owner</dt><dd>{who}</dd>")
        parts.append(
            f"<dt>Business owner</dt><dd>{text(business) if business else 'none named'}</dd>"
        )
        if models:
            parts.append(f"<dt>Models</dt><dd>{text(models)}</dd>")
        if sources:
            parts.append(f"<dt>Data sources</dt><dd>{text(sources)}</dd>")
        parts.append(
            f"<dt>Next review</dt><dd>{text(next_review) if next_review else 'not scheduled'}</dd>"
        )
        parts.append("</dl>")
        parts.extend(_requirements(facts, text))
        parts.extend(_evals(facts, text))
        parts.extend(_risk(facts, text))
        parts.extend(_exceptions(view.waivers.get(key, []), text))
        parts.append("</section>\n")
        yield "".join(parts)


def _requirements(facts: list[tuple[Any, ...]], text: Callable[[Any], str]) -> list[str]:
    failing = [
        (name, value)
        for kind, _ev, name, value in facts
        if kind == "requirement" and value in FIXES
    ]
    if not failing:
        return []
    out = [
        "<h4>Requirements not met</h4><table><thead><tr><th>Requirement</th><th>State</th><th>What to do</th></tr></thead><tbody>"
    ]
    out.extend(
        f'<tr><td>{text(name)}</td><td class="failed">{text(state)}</td><td>{text(FIXES[state])}</td></tr>'
        for name, state in failing
    )
    out.append("</tbody></table>")
    return out


def _evals(facts: list[tuple[Any, ...]], text: Callable[[Any], str]) -> list[str]:
    evals: dict[str, dict[str, Any]] = {}
    for kind, ev, name, value in facts:
        if ev is None or kind not in ("eval", "eval_run", "outcome", "metric", "threshold", "met"):
            continue
        entry = evals.setdefault(ev, {"run": "", "outcome": "", "metrics": {}})
        if kind in ("eval_run", "outcome"):
            entry["run" if kind == "eval_run" else "outcome"] = value or ""
        elif kind != "eval":
            entry["metrics"].setdefault(name, {})[kind] = value
    if not evals:
        return []
    out = [
        "<h4>Evals</h4><table><thead><tr><th>Eval</th><th>Metric</th><th>Value</th><th>Threshold</th><th>Result</th></tr></thead><tbody>"
    ]
    for ev, entry in evals.items():
        outcome = entry["outcome"]
        head = f"{text(ev)}" + (
            f'<br><span class="muted">{text(entry["run"])}</span>' if entry["run"] else ""
        )
        head_cls = "failed" if outcome == "failed" else "passed" if outcome == "passed" else ""
        if not entry["metrics"]:
            out.append(
                f'<tr><td>{head}</td><td colspan="3" class="muted">no metrics</td><td class="{head_cls}">{text(outcome)}</td></tr>'
            )
        for metric, m in entry["metrics"].items():
            met = {"true": "met", "false": "missed"}.get(m.get("met") or "", "")
            value = m.get("metric")
            out.append(
                f"<tr><td>{head}</td><td>{text(metric)}</td><td>{text(value) if value is not None else '—'}</td>"
                f"<td>{text(m.get('threshold') or '—')}</td>"
                f'<td class="{"failed" if met == "missed" else "passed" if met else ""}">{met or text(outcome)}</td></tr>'
            )
    out.append("</tbody></table>")
    return out


def _risk(facts: list[tuple[Any, ...]], text: Callable[[Any], str]) -> list[str]:
    out = []
    risk = [(name, value) for kind, _ev, name, value in facts if kind == "risk"]
    if risk:
        out.append("<h4>Risk</h4><dl>")
        out.extend(f"<dt>{text(name)}</dt><dd>{text(value)}</dd>" for name, value in risk)
        out.append("</dl>")
    tools = [(name, value) for kind, _ev, name, value in facts if kind == "tool"]
    if tools:
        out.append("<h4>Agent tools</h4><dl>")
        out.extend(f"<dt>{text(name)}</dt><dd>{text(value)}</dd>" for name, value in tools)
        out.append("</dl>")
    return out


def _exceptions(waivers: list[tuple[Any, ...]], text: Callable[[Any], str]) -> list[str]:
    if not waivers:
        return []
    out = [
        "<h4>Exceptions</h4><table><thead><tr><th>Requirement</th><th>Ticket</th><th>Expires</th><th>Reason</th>"
        "<th>Approvers</th></tr></thead><tbody>"
    ]
    for requirement, ticket, expires, active, reason, granted, approvers in waivers:
        state = "" if active else ' <span class="failed">(not in force)</span>'
        since = f'<br><span class="muted">granted {text(granted)}</span>' if granted else ""
        out.append(
            f"<tr><td>{text(requirement)}</td><td><code>{text(ticket)}</code></td><td>{text(expires)}{state}{since}</td>"
            f"<td>{text(reason or '')}</td><td>{text(approvers or '')}</td></tr>"
        )
    out.append("</tbody></table>")
    return out
