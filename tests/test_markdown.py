"""The Markdown report (job summary and pull request comment).

Golden files under ``tests/golden/`` hold the whole document for one failing asset,
one passing enterprise asset and a 12-asset monorepo; a renderer that follows GFM
(markdown-it-py with tables) checks what a reader sees: the overview is a table,
fixes are code, and no invisible character hides inside code.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

import monorepo
from gha import copy_example, finding, report
from prodgate.findings import Severity
from prodgate.report import EvalSummary, ExceptionView, MetricResult
from prodgate.reporters.links import DOCS_URL, Links, links_from_env
from prodgate.reporters.markdown import (
    fit,
    natural_key,
    number,
    readable_threshold,
    render_comment,
    render_markdown,
)
from prodgate.reporters.markdown_text import code, is_yaml_fix, rich, text

from conftest import TODAY

Run = Callable[..., tuple[int, str, str]]

GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SHA = "0123456789abcdef0123456789abcdef01234567"
ACTIONS = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "acme/monorepo",
    "GITHUB_SHA": SHA,
}
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")


@pytest.fixture
def repo(committed_repo: Path) -> Path:
    """The examples have evals: a checkout with history (see conftest)."""
    return committed_repo


@pytest.fixture
def actions_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in ACTIONS.items():
        monkeypatch.setenv(key, value)


def _golden(name: str, out: str) -> None:
    """Compare with the golden file; ``PRODGATE_UPDATE_GOLDEN=1`` rewrites it (review the diff)."""
    path = GOLDEN / name
    # The built-in policy's checksum changes with every policy edit; it is not layout.
    out = re.sub(r"\(sha256 `[0-9a-f]{12}`\)", "(sha256 `<policy>`)", out)
    # The links point at the checked commit, which is new in every test's repository.
    out = re.sub(r"/blob/[0-9a-f]{40}/", f"/blob/{SHA}/", out)
    out = re.sub(r"commit `[0-9a-f]{12}`", "commit `<commit>`", out)
    if os.environ.get("PRODGATE_UPDATE_GOLDEN") == "1":
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8"), f"{name} changed; rerun with PRODGATE_UPDATE_GOLDEN=1 and review"


def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _tables(tokens: list[Token]) -> Iterator[list[list[str]]]:
    """Each table as rows of cell texts (header row first)."""
    rows: list[list[str]] | None = None
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            rows = []
        elif t.type == "tr_open" and rows is not None:
            rows.append([])
        elif t.type == "inline" and rows is not None and tokens[i - 1].type in ("th_open", "td_open"):
            rows[-1].append("".join(c.content for c in (t.children or []) if c.type in ("text", "code_inline")))
        elif t.type == "table_close" and rows is not None:
            yield rows
            rows = None


def _overview(tokens: list[Token]) -> list[list[str]]:
    """The overview: the table with a "Next step" column (the rollups come before it)."""
    return next(t for t in _tables(tokens) if "Next step" in t[0])


def _code(tokens: list[Token]) -> Iterator[Token]:
    for t in tokens:
        if t.type in ("fence", "code_block"):
            yield t
        for c in t.children or []:
            if c.type == "code_inline":
                yield c


def _monorepo_markdown(repo: Path, run: Run, count: int = 12) -> str:
    monorepo.build(repo, count)
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert code_ == 1
    return out


# --- golden documents ---------------------------------------------------------------


def test_golden_failing_asset(repo: Path, run: Run, actions_env: None) -> None:
    copy_example(repo / "app")
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert code_ == 1
    _golden("failing-asset.md", out)
    assert out.startswith("## ❌ prodgate merge gate failed — 1 of 1 asset blocked\n")
    assert "<details open>" in out  # one failing asset: its details are open


def test_golden_enterprise_passing(repo: Path, run: Run, actions_env: None) -> None:
    shutil.copytree(EXAMPLES / "enterprise-production-passing", repo / "app")
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--gate", "deploy", "--format", "markdown")
    assert code_ == 0
    _golden("enterprise-passing.md", out)
    # The evals read as counts and readable thresholds; a suite's name is not a model.
    assert "| 392/400 passed | ✅ pass\\_rate 0.98 · needs ≥ 0.95 (policy ≥ 0.95) |" in out
    assert "| Model |" not in out
    assert "⏸️ waived by `GOV-1234` until 2027-01-15" in out


def test_golden_monorepo_overview_first(repo: Path, run: Run, actions_env: None) -> None:
    out = _monorepo_markdown(repo, run)
    _golden("monorepo-12.md", out)
    lines = out.splitlines()
    overview = [i for i, line in enumerate(lines) if re.match(r"^\| [❌✅] \| \[?\*\*svc-\d+\*\*", line)]
    assert len(overview) == 12
    unblock = lines.index("### To unblock the gate")
    assert unblock < 5 < min(overview), "the fixes come right under the verdict, the overview after them"
    assert max(overview) < 100
    # Each fix once, with the assets that need it.
    assert out.count("business_owner: { name: <name>, email: <email> }") == 1
    owner_fix = next(line for line in lines if "No business owner — " in line)
    assert re.findall(r"\[(svc-\d+)\]\(", owner_fix) == ["svc-1", "svc-3", "svc-4", "svc-5", "svc-6", "svc-8"]
    assert owner_fix.endswith("… (10) — ask Li Wei, Ana Ruiz, Jane Doe")
    # Ten failing assets: their details are collapsed; passing assets have none.
    assert out.count("<details>") == 10 and "<details open>" not in out
    assert "<b>svc-2</b>" not in out


def test_overview_links_failing_assets_to_their_details_and_rolls_up(repo: Path, run: Run) -> None:
    """Each failing asset's name in the overview links to an ``id`` on its details; with
    more than a few failing, the blocking findings are counted by rule and by owner."""
    out = _monorepo_markdown(repo, run)
    html = _md().render(out)
    failing = re.findall(r"^\| ❌ \| \[\*\*(svc-\d+)\*\*\]\(#([a-z0-9-]+)\) \|", out, re.M)
    assert [name for name, _ in failing] == [f"svc-{i}" for i in (1, 3, 4, 5, 6, 8, 9, 10, 11, 12)]
    for name, anchor in failing:
        assert anchor == f"pg-{name}" and f'<summary><a id="{anchor}"></a>❌ <b>{name}</b>' in html
    tables = list(_tables(_md().parse(out)))
    by_rule = next(t for t in tables if t[0][:2] == ["Rule", "What"])
    assert [(r[0], r[2], r[3]) for r in by_rule[1:]] == [(f"PG{n}", "10", "10") for n in (204, 301, 602, 604)]
    by_owner = next(t for t in tables if t[0][0] == "Owner")
    assert by_owner[1:] == [["Jane Doe", "4", "16"], ["Ana Ruiz", "3", "12"], ["Li Wei", "3", "12"]]
    assert out.index("Blocking, by rule") < out.index("| Next step |")


def test_no_rollups_when_few_assets_fail(repo: Path, run: Run) -> None:
    out = _monorepo_markdown(repo, run, count=5)
    assert "Blocking, by" not in out and "[**svc-1**](#pg-svc-1)" in out


# --- what a GFM renderer makes of it ---------------------------------------------------


def test_overview_is_a_table_in_natural_order_and_fixes_are_code(repo: Path, run: Run) -> None:
    out = _monorepo_markdown(repo, run)
    tokens = _md().parse(out)
    overview = _overview(tokens)
    assert overview[0] == ["", "Asset", "Errors", "Warnings", "Waived", "Next step", "Owner"]
    names = [row[1] for row in overview[1:]]
    failing = [f"svc-{i}" for i in (1, 3, 4, 5, 6, 8, 9, 10, 11, 12)]
    assert names == [*failing, "svc-2", "svc-7"]
    assert [row[0] for row in overview[1:]] == ["❌"] * 10 + ["✅"] * 2
    assert overview[1][2:6] == ["4", "0", "0", "Required eval results are not declared (+3 more)"]
    fences = [t for t in tokens if t.type == "fence"]
    assert {t.info for t in fences} <= {"yaml", "sh", "text"}
    assert any(t.content == "business_owner: { name: <name>, email: <email> }\n" for t in fences)
    for t in _code(tokens):
        assert not INVISIBLE.search(t.content), t.content


def test_invisible_characters_never_reach_code(tmp_path: Path) -> None:
    """A fix or message carrying zero-width and bidi characters: code shows them as
    escapes (a reader sees the trick instead of pasting it); prose cannot ping anyone."""
    hostile = finding(
        rule="PG602",
        message="add `business_owner:` for raj.patel@\u200bexample.com \u202egnp.exe",
        fix="business_owner: { name: Raj Patel, email: raj.patel@\u200bexample.com }\u2066",
    )
    out = render_markdown(report([hostile, finding(message="ping @acme/admins")]))
    tokens = _md().parse(out)
    spans = list(_code(tokens))
    assert any(
        t.content == "business_owner: { name: Raj Patel, email: raj.patel@\\u200bexample.com }\\u2066\n"
        for t in spans
    )
    assert any(t.content == "business_owner:" for t in spans)
    for t in spans:
        assert not INVISIBLE.search(t.content)
    assert "\u202e" not in out and "\\\\u202egnp.exe" in out
    assert _mentions(out) == [] and "<code>@acme/admins</code>" in out


MENTION = re.compile(r"(?<![A-Za-z0-9_])@[A-Za-z0-9]")


def _mentions(markdown: str) -> list[str]:
    """What GitHub would turn into mentions: ``@handle`` in rendered text outside code,
    pre and links (where GitHub's mention filter does not look)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Text(HTMLParser):
        skip = 0

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.skip += tag in ("code", "pre", "a")

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in ("code", "pre", "a")

        def handle_data(self, data: str) -> None:
            if not self.skip:
                found.extend(data[m.start():m.start() + 20] for m in MENTION.finditer(data))

    Text().feed(_md().render(markdown))
    return found


def test_mentions_are_code_without_hidden_characters() -> None:
    """A handle anywhere in prose (a message, an owner, a fix, a name inside ``<summary>``)
    is inline code: it pings nobody, and copied it is the handle, with no zero-width
    space in it; an e-mail address stays as written."""
    f = finding(message="ask @acme/ai-team (or ada@example.com) before @lead approves", fix="Tell @ops.")
    r = report([f])
    r.assets[0] = dataclasses.replace(r.assets[0], owner="@jdoe")
    out = render_markdown(r) + render_comment(r)
    assert "\u200b" not in out
    assert _mentions(out) == [], _mentions(out)
    html = _md().render(out)
    for handle in ("@acme/ai-team", "@lead", "@jdoe", "@ops"):
        assert f"<code>{handle}</code>" in html, handle
    assert "ada@example.com" in html
    assert text("tier @ 5 for x@y") == "tier @ 5 for x@y"


def test_messages_quote_code_as_code() -> None:
    assert rich("add `evals:` with a `name`") == "add `evals:` with a `name`"
    assert rich("a <b> `x|y` *z*", in_table=True) == "a &lt;b&gt; `x\\|y` \\*z\\*"
    assert text("<img src=x onerror=alert(1)> [x](http://e) a|b *b* `c`") == (
        "&lt;img src=x onerror=alert(1)&gt; \\[x\\](http://e) a\\|b \\*b\\* \\`c\\`"
    )
    assert text("line\nbreak") == "line break"
    assert code("a`b|c") == "``a`b\\|c``"


def test_hostile_asset_name_stays_in_its_cell() -> None:
    out = render_markdown(report([finding(message="x\n## Injected heading\n| a | b |")], name="x\n# H1"))
    assert "\n## Injected" not in out and "\n# H1" not in out
    rows = _overview(_md().parse(out))
    assert len(rows) == 2 and rows[1][1] == "x # H1"


# --- small parts ---------------------------------------------------------------------


def test_natural_order_thresholds_and_numbers() -> None:
    assert sorted(["svc-10", "svc-2", "svc-1", "svc-1b", "api"], key=natural_key) == [
        "api", "svc-1", "svc-1b", "svc-2", "svc-10"
    ]
    assert readable_threshold(">= 0.98; policy >= 0.95") == "≥ 0.98 (policy ≥ 0.95)"
    assert readable_threshold("policy >=0.95") == "policy ≥ 0.95"
    assert readable_threshold("<= 0.01") == "≤ 0.01"
    assert readable_threshold("> 3") == "> 3"
    assert [number(v) for v in (0.98, 0.98254, 392.0, 1234.567, 0.00012, None)] == [
        "0.98", "0.983", "392", "1,234.6", "1.20e-04", "—"
    ]
    assert is_yaml_fix('evals:\n  - name: quality\n    thresholds: { pass_rate: ">= 0.9" }')
    assert is_yaml_fix("review: { last_reviewed: 2026-11-22 }  # once the review took place")
    assert not is_yaml_fix("Replace every placeholder with real content.")
    assert not is_yaml_fix("Note: the section is empty.")


def test_eval_rows_count_and_thresholds() -> None:
    r = report([])
    evals = (
        EvalSummary("reply-quality", "evals/q.json", "promptfoo",
                    (MetricResult("pass_rate", 0.8712, ">= 0.90", False), MetricResult("latency", 1.5)),
                    model="openai:gpt-4o-mini", run_at="2026-11-01T10:00:00"),
        EvalSummary("suite", "evals/junit.xml", "junit",
                    (MetricResult("pass_rate", 0.98, ">= 0.95; policy >= 0.95", True),
                     MetricResult("tests", 400.0), MetricResult("passed", 392.0))),
        EvalSummary("safety", "evals/s.json", "prodgate"),
    )
    r.assets[0] = r.assets[0].__class__(**{**r.assets[0].__dict__, "evals": evals,
                                          "exceptions": (ExceptionView("runbook", "GOV-9", "2026-01-01", False, False),)})
    out = render_markdown(r)
    assert "| ❌ reply-quality<br>`evals/q.json` | latency 1.5 | ❌ pass\\_rate 0.871 · needs ≥ 0.90 | openai:gpt-4o-mini | 2026-11-01 |" in out
    assert "| ✅ suite<br>`evals/junit.xml` | 392/400 passed | ✅ pass\\_rate 0.98 · needs ≥ 0.95 (policy ≥ 0.95) | — | — |" in out
    assert "| safety<br>`evals/s.json` | no metrics read | — | — | — |" in out
    assert "| Runbook `runbook` | `GOV-9` | 2026-01-01 | ❌ not valid: waives nothing (see findings) |" in out


def test_links_to_the_commit_and_the_rule_docs(repo: Path, run: Run, actions_env: None) -> None:
    from gitrepo import git

    copy_example(repo / "app")
    _, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    head = git(repo, "rev-parse", "HEAD")  # the commit checked, not GITHUB_SHA
    assert f"[`app/ai-asset.yaml:28:1`](https://github.com/acme/monorepo/blob/{head}/app/ai-asset.yaml#L28)" in out
    assert "[`PG403`](https://github.com/prodgate/prodgate/blob/v0.1.0/docs/rules.md#pg403)" in out


def test_links_only_from_well_formed_actions_values() -> None:
    assert links_from_env({}, None).blob_base is None
    bad = {**ACTIONS, "GITHUB_REPOSITORY": "acme/x) [evil](https://e"}
    assert links_from_env(bad, None).blob_base is None
    assert links_from_env({**ACTIONS, "GITHUB_SHA": "HEAD"}, None).blob_base is None
    assert links_from_env(ACTIONS, "f" * 40).blob_base == f"https://github.com/acme/monorepo/blob/{'f' * 40}"
    assert links_from_env({**ACTIONS, "PRODGATE_DOCS_URL": "javascript:alert(1)"}, None).docs.startswith("https://")
    docs = links_from_env({**ACTIONS, "PRODGATE_DOCS_URL": "https://ghe.example/acme/prodgate/blob/v1/README.md"}, None)
    assert docs.rule("PG301") == "https://ghe.example/acme/prodgate/blob/v1/README.md#pg301"


def test_rule_anchors_exist_in_the_rules_page() -> None:
    from prodgate.rules.registry import RULES

    page = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule_id in RULES:
        assert f'<a id="{rule_id.lower()}"></a>' in page, rule_id


# --- size limits ---------------------------------------------------------------------


def test_sixty_asset_comment_keeps_the_whole_overview(repo: Path, run: Run) -> None:
    monorepo.build(repo, 60, passing=frozenset({2, 7, 33}))
    import datetime as dt

    from prodgate.engine import Options
    from prodgate.engine import run as run_gate
    from prodgate.policy.loader import load_policy

    rep = run_gate([repo], repo, load_policy(None), Options(today=dt.date.fromisoformat(TODAY)))
    total = len(rep.findings)
    url = "https://github.com/acme/monorepo/actions/runs/42"
    body = render_comment(rep, Links(), url)
    assert len(body) <= 65536 - 200
    overview = _overview(_md().parse(body))
    assert len(overview) == 61
    assert [row[1] for row in overview[1:58]] == [f"svc-{i}" for i in range(1, 61) if i not in (2, 7, 33)]
    note = re.search(r"\*\*Cut to fit GitHub's size limit:\*\* (\d+) findings in (\d+) assets are not shown here\. "
                     r"The full summary is in \[the workflow run\]\((.+?)\)\.", body)
    assert note is not None, body[:3000]
    hidden, hidden_assets = int(note[1]), int(note[2])
    shown = len(re.findall(r"^- ❌ \S+ `services/", body, re.M))
    assert shown + hidden == total and shown > 0
    assert body.count("<details>") + hidden_assets >= 57 and note[3] == url
    assert body.count("<details>") == body.count("</details>")


def test_truncation_cuts_findings_and_says_how_many() -> None:
    findings = [finding(path=f"docs/{i:04}.md", message="m" * 500) for i in range(200)]
    out = render_markdown(report(findings), max_bytes=20_000)
    assert len(out.encode("utf-8")) <= 20_000
    shown = out.count("- ❌ [`PG204`]")
    assert 0 < shown < 200
    assert f"{200 - shown} findings in 1 asset are not shown here. The JSON report lists every finding." in out
    assert out.count("<details open>") == out.count("</details>") == 1


def test_fit_keeps_what_cannot_be_cut() -> None:
    from prodgate.reporters.markdown import DETAIL, KEEP, Block

    blocks = [Block("head\n", KEEP), Block("---\n", KEEP), Block("x" * 100, DETAIL, "a", findings=3)]
    out = fit(blocks, 80, "See the run.")
    assert out.startswith("head\n> **Cut to fit GitHub's size limit:** 3 findings in 1 asset are not shown here.")


# --- behaviour end to end ------------------------------------------------------------


def test_waived_example_shows_the_exception(repo: Path, run: Run) -> None:
    copy_example(repo / "app", waived=True)
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert code_ == 0
    assert out.startswith("## ✅ prodgate merge gate passed — 1 asset\n")
    assert "| Privacy review for personal data `privacy_review` | `GOV-1234` | 2026-12-31 | ⏸️ active: waives findings |" in out
    assert "waived: exception `GOV-1234`, expires 2026-12-31" in out


def test_no_declaration(repo: Path, run: Run) -> None:
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert code_ == 0
    assert "No `ai-asset.yaml` found: nothing to check." in out


def test_warnings_block_when_fail_on_warning(repo: Path, run: Run) -> None:
    copy_example(repo / "app", waived=True)
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown", "--fail-on", "warning")
    assert code_ == 1
    assert "failing on warnings and above" in out
    rows = _overview(_md().parse(out))
    assert rows[1][0] == "❌" and rows[1][5] == "Artifact is still the template (+1 more)"


def test_declaration_that_does_not_load_has_its_row(repo: Path, run: Run) -> None:
    copy_example(repo / "app")
    (repo / "broken").mkdir()
    (repo / "broken" / "ai-asset.yaml").write_text("apiVersion: prodgate/v1\nname: [\n", encoding="utf-8")
    _, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    rows = _overview(_md().parse(out))
    assert [r[1] for r in rows[1:]] == ["broken/ai-asset.yaml", "support-reply-drafter"]
    assert rows[1][5].startswith("fix the declaration: ai-asset.yaml is not valid YAML")


def test_severity_icons_follow_the_gate() -> None:
    warn = finding(severity=Severity.WARNING)
    out = render_markdown(report([warn]))
    assert "## ✅ prodgate merge gate passed" in out


def test_findings_about_the_run_get_their_own_section() -> None:
    """Undeclared AI use is no asset: no overview row for it, and it is never dropped (it
    has its own section)."""
    from prodgate.findings import Finding, Location

    run_level = Finding("PG801", Severity.ERROR, "openai is imported but no ai-asset.yaml covers src/x.py",
                        Location("src/x.py", 3, 1), None, "Declare the asset: `prodgate init`.")
    r = report([finding()])
    r.findings = sorted([*r.findings, run_level], key=Finding.sort_key)
    out = render_markdown(r)
    rows = _overview(_md().parse(out))
    assert [row[1] for row in rows[1:]] == ["bot"]
    assert "### ❌ Undeclared AI\n" in out
    assert "| `src/x.py:3:1` | PG801 | openai is imported but no ai-asset.yaml covers src/x.py | undeclared |" in out
    assert "### Other findings" not in out
    # Under Actions each place links to its file and line, as every other place does.
    linked = render_markdown(r, links=Links(f"https://github.com/acme/monorepo/blob/{SHA}"))
    assert (f"| [`src/x.py:3:1`](https://github.com/acme/monorepo/blob/{SHA}/src/x.py#L3) | PG801 | "
            "openai is imported") in linked


def test_rule_links_follow_the_action_that_runs() -> None:
    env = {**ACTIONS, "PRODGATE_ACTION_REPOSITORY": "acme/prodgate-fork", "PRODGATE_ACTION_REF": "v2.1.0"}
    assert links_from_env(env, None).rule("PG301") == "https://github.com/acme/prodgate-fork/blob/v2.1.0/docs/rules.md#pg301"
    # A local action has neither; a malformed value is not followed.
    for bad in ({}, {"PRODGATE_ACTION_REPOSITORY": "acme/x", "PRODGATE_ACTION_REF": "../../evil"},
                {"PRODGATE_ACTION_REPOSITORY": "javascript:alert(1)", "PRODGATE_ACTION_REF": "v1"}):
        assert links_from_env({**ACTIONS, **bad}, None).docs == DOCS_URL


def test_a_stale_eval_is_not_a_green_tick() -> None:
    from prodgate.findings import Location
    from prodgate.report import AssetResult, EvalSummary, MetricResult
    from prodgate.reporters.markdown import _evals, _stale

    ev = EvalSummary("reply-quality", "evals/r.json", "prodgate",
                     (MetricResult("pass_rate", 0.98, ">= 0.95", True),), location=Location("ai-asset.yaml", 9))
    stale = finding(rule="PG309", message="eval 'reply-quality': evals/r.json was last committed in abc, "
                    "but prompt.txt changed after it")
    asset = AssetResult("a", "ai-asset.yaml", "team", "team", "pilot", None, (), (), (ev,), (stale,))
    row = "".join(_evals(asset.evals, Links(), _stale(asset)))
    assert "⌛ reply-quality (stale)" in row and "✅ reply-quality" not in row
    fresh = "".join(_evals(asset.evals, Links(), _stale(dataclasses.replace(asset, findings=()))))
    assert "✅ reply-quality<br>" in fresh


def test_many_passing_assets_collapse_to_one_line(repo: Path, run: Run) -> None:
    monorepo.build(repo, 20, passing=frozenset(range(1, 15)))
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert code_ == 1
    overview = _overview(_md().parse(out))
    assert [row[1] for row in overview[1:]] == [f"svc-{i}" for i in range(15, 21)]
    assert "✅ **14 more assets pass** with nothing to report: svc-1, svc-2, svc-3, " in out
    assert "svc-14.\n" in out


def _floor_summary(repo: Path, run: Run) -> tuple[str, dict[str, object]]:
    """Three filled-in departmental assets; svc-1 is customer-facing, which raises it to
    enterprise: runbook, fallback plan and security review apply only because of that."""
    import json

    monorepo.build(repo, 3, frozenset({1, 2, 3}))
    y = repo / "services" / "svc-1" / "ai-asset.yaml"
    y.write_text(y.read_text(encoding="utf-8") + "risk: { customer_facing: true }\n", encoding="utf-8")
    code_, out, _ = run("check", str(repo), "--today", TODAY, "--format", "markdown")
    assert code_ == 1
    _, doc, _ = run("check", str(repo), "--today", TODAY, "--format", "json")
    return out, json.loads(doc)


def test_a_risk_floor_is_one_cause_with_what_it_raised(repo: Path, run: Run) -> None:
    """PG401 and the three requirements only the higher tier has are one entry: raise the
    tier (a YAML block, then the one command that writes what the tier adds), or correct
    the risk facts; the overview's next step names that cause, not a requirement's state."""
    out, doc = _floor_summary(repo, run)
    entries = re.findall(r"^1\. ❌ (.*)$", out, re.M)
    floor = [e for e in entries if "PG401" in e]
    assert len(floor) == 1, entries
    assert "raise the tier to `enterprise`, which also needs Runbook, Fallback plan, Security review" in floor[0]
    assert "(3 findings in the details), or correct the risk facts" in floor[0]
    assert not any("PG201" in e for e in entries), entries
    unblock = out.split("### To unblock", 1)[1].split("\n| ", 1)[0]
    assert "```yaml\n   tier: enterprise\n   ```" in unblock
    assert unblock.count("prodgate init --add-missing services/svc-1") == 1
    rows = _overview(_md().parse(out))
    assert rows[1][1] == "svc-1" and rows[1][5] == "raise the tier to enterprise (risk floor) (+1 more)", rows[1]
    # The folded findings keep their own fixes in the details.
    details = out.split("❌ <b>svc-1</b>", 1)[1]
    assert details.count("Fix: Run `prodgate init --add-missing services/svc-1`") == 3
    assets = doc["assets"]
    assert isinstance(assets, list)
    raised = {r["id"] for a in assets if a["name"] == "svc-1" for r in a["requirements"] if r["by_floor"]}
    assert raised == {"runbook", "fallback_plan", "security_review"}
