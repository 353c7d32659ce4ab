"""Change control of agents: what a pull request lets an agent do that it could not at
the base commit is PG701, waived only by an exception its approvers approve on the pull
request (reviews from a GitHub API on 127.0.0.1, as in test_approvals.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gha import FakeGitHub as GitHub
from gitrepo import commit, git, init

from conftest import TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]
TOKEN = "ghs_SECRETtoken1234567890abcdefXYZ"
HEAD = "9" * 40

ENTERPRISE = TEAM_SANDBOX.replace("tier: team", "tier: enterprise")
"""An asset already at the top tier: the risk floors add nothing, change control is alone."""

BASE_AGENT = """\
agent:
  tools:
    - name: lookup_order
      effect: read
    - name: refund_order
      effect: payment
      approval: human
  mcp_servers:
    - name: github
      source: ghcr.io/github/github-mcp-server:v0.8
"""

POLICY = """\
apiVersion: prodgate/policy/v1
extends: builtin
name: acme
exceptions:
  verify: pull-request-reviews
  approvers:
    business_executive: [hnovak]
    it_executive: [sosei]
    process_owner: [praman]
"""

EXCEPTION = """\
exceptions:
  - requirement: PG701
    reason: Refunds under 20 EUR go out without a person, as the pilot showed.
    ticket: GOV-91
    granted: 2026-11-01
    expires: 2027-01-31
    approvals:
      business_executive: {name: Helena Novak, github: hnovak}
      it_executive: {name: Samuel Osei, github: sosei}
      process_owner: {name: Priya Raman, github: praman}
    owners: {risk: Lena Fischer, support: Omar Haddad, funding: Tom Becker, lifecycle: Maria Garcia, compliance: Grace Kim}
"""


def _check(run: Run, root: Path, base: str, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(
        "check",
        str(root),
        "--base",
        base,
        "--format",
        "json",
        "--today",
        TODAY,
        "--no-discover",
        *args,
    )
    assert out, err
    return code, json.loads(out)


def _pg701(report: dict[str, Any]) -> list[tuple[int, str]]:
    return [
        (f["line"], f["message"])
        for f in report["findings"]
        if f["rule_id"] == "PG701" and not f["waived_by"]
    ]


@pytest.fixture
def gitroot(tmp_path: Path) -> Path:
    return init(tmp_path / "repo")


def _base(
    root: Path, agent: str = BASE_AGENT, where: str = "ai-asset.yaml", head: str = ENTERPRISE
) -> str:
    write(root, where, head + agent)
    return commit(root, "base")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # A payment tool with no person confirming it, under a new name.
        (
            BASE_AGENT.replace("      approval: human\n", "").replace("refund_order", "refund"),
            [(12, "agent.tools.refund.approval weakened: human at the base commit, now none")],
        ),
        # The same tool, approval dropped explicitly.
        (
            BASE_AGENT.replace("approval: human", "approval: none"),
            [
                (
                    14,
                    "agent.tools.refund_order.approval weakened: human at the base commit, now none",
                )
            ],
        ),
        # A read tool becomes a write tool (same name).
        (
            BASE_AGENT.replace("effect: read", "effect: write"),
            [
                (
                    11,
                    "agent.tools.lookup_order.effect weakened: payment at the base commit, now write",
                )
            ],
        ),
        # A new kind of effect, confirmed by a person: still more than the agent could do.
        (
            BASE_AGENT.replace(
                "  mcp_servers:",
                "    - {name: run_sql, effect: execute, approval: human}\n  mcp_servers:",
            ),
            [(15, "agent.tools.run_sql.effect weakened: payment at the base commit, now execute")],
        ),
        # A new server under the old server's name.
        (
            BASE_AGENT.replace(
                "ghcr.io/github/github-mcp-server:v0.8", "ghcr.io/evil/github-mcp-server"
            ),
            [
                (
                    17,
                    "agent.mcp_servers.github weakened: (none) at the base commit, now ghcr.io/evil/github-mcp-server",
                )
            ],
        ),
    ],
    ids=[
        "renamed-and-unconfirmed",
        "approval-dropped",
        "read-to-write",
        "new-effect",
        "server-relabelled",
    ],
)
def test_an_agent_that_can_do_more_is_a_weakening(
    gitroot: Path, run: Run, head: str, expected: list[tuple[int, str]]
) -> None:
    base = _base(gitroot)
    write(gitroot, "ai-asset.yaml", ENTERPRISE + head)
    code, report = _check(run, gitroot, base)
    assert code == 1
    assert _pg701(report) == expected


@pytest.mark.parametrize(
    "head",
    [
        BASE_AGENT,
        BASE_AGENT.replace(
            "ghcr.io/github/github-mcp-server:v0.8", "GHCR.io/github/github-mcp-server:v0.9"
        ),  # version bump
        BASE_AGENT.replace("name: github", "name: gh"),  # relabelled, same source
        BASE_AGENT.replace("    - name: lookup_order\n      effect: read\n", ""),  # a tool removed
        BASE_AGENT
        + "    - {name: fs, source: npx -y @modelcontextprotocol/server-filesystem}\n".replace(
            "fs, source: npx -y @modelcontextprotocol/server-filesystem",
            "gh2, source: ghcr.io/github/github-mcp-server",
        ),
    ],
    ids=[
        "unchanged",
        "version-bump",
        "relabelled",
        "removed-tool",
        "same-source-twice",
    ],
)
def test_what_gives_the_agent_nothing_new_is_no_weakening(
    gitroot: Path, run: Run, head: str
) -> None:
    base = _base(gitroot)
    write(gitroot, "ai-asset.yaml", ENTERPRISE + head)
    _code, report = _check(run, gitroot, base)
    assert _pg701(report) == [], report["findings"]


def test_a_tool_declared_to_do_less_under_its_name_is_a_weakening(gitroot: Path, run: Run) -> None:
    base = _base(gitroot)
    write(
        gitroot, "ai-asset.yaml", ENTERPRISE + BASE_AGENT.replace("effect: payment", "effect: read")
    )
    code, report = _check(run, gitroot, base)
    assert code == 1
    assert _pg701(report) == [
        (13, "agent.tools.refund_order.effect weakened: payment at the base commit, now read")
    ]


def test_a_server_given_more_access_is_a_weakening(gitroot: Path, run: Run) -> None:
    base = _base(gitroot, BASE_AGENT + "      access: [repo:read]\n")
    head = (
        BASE_AGENT.replace("name: github", "name: gh") + "      access: [repo:read, repo:write]\n"
    )
    write(gitroot, "ai-asset.yaml", ENTERPRISE + head)
    code, report = _check(run, gitroot, base)
    assert code == 1
    assert _pg701(report) == [
        (18, "agent.mcp_servers.gh.access weakened: repo:read at the base commit, now repo:write")
    ]
    write(gitroot, "ai-asset.yaml", ENTERPRISE + BASE_AGENT + "      access: [repo:read]\n")
    assert _pg701(_check(run, gitroot, base)[1]) == []


def test_a_messaging_tool_declared_internal_is_a_weakening(gitroot: Path, run: Run) -> None:
    email = "    - {name: email_customer, effect: communicate, approval: human}\n"
    base = _base(gitroot, BASE_AGENT.replace("  mcp_servers:", email + "  mcp_servers:"))
    internal = email.replace("approval: human", "approval: human, audience: internal")
    write(
        gitroot,
        "ai-asset.yaml",
        ENTERPRISE + BASE_AGENT.replace("  mcp_servers:", internal + "  mcp_servers:"),
    )
    code, report = _check(run, gitroot, base)
    assert code == 1
    assert _pg701(report) == [
        (
            15,
            "agent.tools.email_customer.audience weakened: external at the base commit, now internal",
        )
    ]


def test_a_moved_asset_that_adds_a_server_is_still_compared(gitroot: Path, run: Run) -> None:
    """Moving the declaration to another folder in the same change hides nothing: the
    asset is found at the base by git's rename detection."""
    base = _base(gitroot, where="svc/ai-asset.yaml")
    git(gitroot, "mv", "svc", "agents")
    write(
        gitroot,
        "agents/ai-asset.yaml",
        ENTERPRISE
        + BASE_AGENT
        + '    - {name: fs, source: "@modelcontextprotocol/server-filesystem"}\n',
    )
    code, report = _check(run, gitroot, base)
    assert code == 1
    [(line, message)] = _pg701(report)
    assert line == 18 and message.startswith(
        "agent.mcp_servers.fs weakened: (none) at the base commit, now @modelcontextprotocol/server-filesystem"
    ), message


def test_split_across_commits_the_pull_request_is_judged_whole(gitroot: Path, run: Run) -> None:
    base = _base(gitroot)
    write(
        gitroot,
        "ai-asset.yaml",
        ENTERPRISE + BASE_AGENT.replace("name: refund_order", "name: refund_v2"),
    )
    commit(gitroot, "rename the tool")
    write(
        gitroot,
        "ai-asset.yaml",
        ENTERPRISE
        + BASE_AGENT.replace("name: refund_order", "name: refund_v2").replace(
            "approval: human", "approval: none"
        ),
    )
    commit(gitroot, "drop the approval")
    code, report = _check(run, gitroot, base)
    assert code == 1
    assert _pg701(report) == [
        (14, "agent.tools.refund_v2.approval weakened: human at the base commit, now none")
    ]


PAYMENT_ADDED = BASE_AGENT.replace(
    "effect: payment\n      approval: human", "effect: write\n      approval: human"
)


@pytest.fixture
def github() -> Iterator[GitHub]:
    fake = GitHub(per_page_cap=100)
    fake.pull["head"]["sha"] = HEAD
    yield fake
    fake.close()


@pytest.fixture
def payment_pr(
    tmp_path: Path, github: GitHub, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, str, Path]:
    """A base whose agent writes (confirmed); the pull request adds an unconfirmed
    payment tool. The policy asks for approvals proven by pull request reviews."""
    root = init(tmp_path / "repo")
    base = _base(root, PAYMENT_ADDED, head=TEAM_SANDBOX)
    policy = write(tmp_path, "policy.yaml", POLICY)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    monkeypatch.delenv("PRODGATE_GITHUB_TOKEN", raising=False)
    return root, base, policy


def _review(login: str, author: str = "COLLABORATOR") -> dict[str, Any]:
    return {
        "id": len(login),
        "user": {"login": login, "type": "User"},
        "state": "APPROVED",
        "commit_id": HEAD,
        "body": "",
        "submitted_at": "2026-11-20T10:00:00Z",
        "author_association": author,
    }


PAYMENT_TOOL = "    - {name: pay_supplier, effect: payment, approval: human}\n"
"""Confirmed by a person, so no risk floor: change control alone decides."""


def _add_payment(root: Path, exception: str = "") -> None:
    write(
        root,
        "ai-asset.yaml",
        TEAM_SANDBOX
        + PAYMENT_ADDED.replace("  mcp_servers:", PAYMENT_TOOL + "  mcp_servers:")
        + exception,
    )


def _gate(run: Run, root: Path, base: str, policy: Path) -> tuple[int, dict[str, Any]]:
    return _check(run, root, base, "--policy", str(policy), "--pull-request", "acme/app#7")


def test_a_pull_request_adding_a_payment_tool_without_approvals_fails(
    payment_pr: tuple[Path, str, Path], github: GitHub, run: Run
) -> None:
    root, base, policy = payment_pr
    _add_payment(root)
    code, report = _gate(run, root, base, policy)
    assert code == 1
    assert _pg701(report) == [
        (15, "agent.tools.pay_supplier.effect weakened: write at the base commit, now payment")
    ]


def test_the_same_with_approvals_verified_on_the_pull_request_passes(
    payment_pr: tuple[Path, str, Path], github: GitHub, run: Run
) -> None:
    root, base, policy = payment_pr
    _add_payment(root, EXCEPTION)
    github.reviews = [_review("hnovak"), _review("sosei"), _review("praman")]
    code, report = _gate(run, root, base, policy)
    assert code == 0, report["findings"]
    [waived] = [f for f in report["findings"] if f["rule_id"] == "PG701"]
    assert waived["waived_by"]["ticket"] == "GOV-91"
    [exc] = report["assets"][0]["exceptions"]
    assert exc["approved"] == [
        {
            "asset": "notes-summariser",
            "field": "agent.tools.pay_supplier.effect",
            "base": "write",
            "head": "payment",
        }
    ]


def test_approvals_of_the_author_alone_do_not_waive_it(
    payment_pr: tuple[Path, str, Path], github: GitHub, run: Run
) -> None:
    """The author names themselves as every approver: one person in three roles, and
    the author's own review never counts."""
    root, base, policy = payment_pr
    github.pull["user"] = {"login": "sosei", "type": "User"}
    _add_payment(
        root,
        EXCEPTION.replace("hnovak", "sosei")
        .replace("praman", "sosei")
        .replace("Helena Novak", "Samuel Osei")
        .replace("Priya Raman", "Samuel Osei"),
    )
    github.reviews = [_review("sosei")]
    code, report = _gate(run, root, base, policy)
    assert code == 1
    assert _pg701(report) == [
        (15, "agent.tools.pay_supplier.effect weakened: write at the base commit, now payment")
    ]
