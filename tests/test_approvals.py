"""PG507, PG508, PG705: approvals verified against pull request reviews.

The reviews come from an HTTP server on 127.0.0.1 that the tests start, answering in
GitHub's documented shape: ``GET /repos/{owner}/{repo}/pulls/{number}`` and
``.../reviews`` with ``state``, ``commit_id``, ``user.login``, paginated by ``Link``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gha import FakeGitHub as GitHub
from gitrepo import commit, init

from conftest import FILLED_MODEL_CARD, TEAM_SANDBOX, TODAY, write

Run = Callable[..., tuple[int, str, str]]
TOKEN = "ghs_SECRETtoken1234567890abcdefXYZ"
OLD = "1" * 40
HEAD = "9" * 40

POLICY = """\
apiVersion: prodgate/policy/v1
extends: builtin
name: acme
exceptions:
  verify: pull-request-reviews
  approvers:
    business_executive: [hnovak]
    it_executive: [sosei, "@mkhan"]
    process_owner: [praman]
"""

OWNERS = "    owners: {risk: Lena Fischer, support: Omar Haddad, funding: Tom Becker, lifecycle: Maria Garcia, compliance: Grace Kim}\n"


def exception(it: str = "{name: Samuel Osei, github: sosei}", ticket: str = "GOV-77") -> str:
    return (
        "exceptions:\n"
        "  - requirement: PG701\n"
        "    reason: Back to exploration while the vendor is replaced.\n"
        f"    ticket: {ticket}\n"
        "    granted: 2026-11-01\n"
        "    expires: 2027-01-31\n"
        "    approvals:\n"
        "      business_executive: {name: Helena Novak, github: hnovak}\n"
        f"      it_executive: {it}\n"
        "      process_owner: {name: Priya Raman, github: praman}\n"
        + OWNERS
    )


def review(login: str, state: str = "APPROVED", commit_id: str = HEAD, association: str = "COLLABORATOR") -> dict[str, Any]:
    """One review as GitHub's REST API sends it (``author_association`` included)."""
    return {"id": len(login), "user": {"login": login, "type": "User"}, "state": state, "commit_id": commit_id,
            "body": "", "submitted_at": "2026-11-20T10:00:00Z", "author_association": association}


@pytest.fixture
def github() -> Iterator[GitHub]:
    fake = GitHub(per_page_cap=2)  # small pages, so that pagination is exercised
    fake.pull["head"]["sha"] = HEAD
    yield fake
    fake.close()


@pytest.fixture
def pr_repo(tmp_path: Path, github: GitHub, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, Path]:
    """A repository whose head downgrades pilot -> sandbox under an exception; the
    base commit, and a policy outside the repository that asks for verification."""
    root = init(tmp_path / "repo")
    write(root, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + "artifacts:\n  model_card: card.md\n")
    write(root, "card.md", FILLED_MODEL_CARD)
    base = commit(root, "base")
    write(root, "ai-asset.yaml", TEAM_SANDBOX + exception())
    policy = write(tmp_path, "policy.yaml", POLICY)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    monkeypatch.delenv("PRODGATE_GITHUB_TOKEN", raising=False)
    return root, base, policy


def gate(run: Run, root: Path, base: str, policy: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run(
        "check", str(root), "--base", base, "--policy", str(policy), "--pull-request", "acme/app#7",
        "--format", "json", "--today", TODAY, *extra,
    )
    return code, (json.loads(out) if out else {}), err


def problems(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(f["rule_id"], f["line"], f["message"]) for f in report["findings"]
            if f["rule_id"] in ("PG507", "PG508", "PG705")]


def approvals_of(report: dict[str, Any]) -> dict[str, str]:
    [exc] = report["assets"][0]["exceptions"]
    return {a["role"]: a["state"] for a in exc["approvals"]}


ALL_APPROVE = [review("hnovak"), review("bob", "COMMENTED"), review("sosei"), review("praman")]


def test_approved_on_the_head_passes(pr_repo: tuple[Path, str, Path], github: GitHub, run: Run) -> None:
    github.reviews = ALL_APPROVE
    code, report, err = gate(run, *pr_repo)
    assert code == 0, (report["findings"], err)
    assert problems(report) == []
    assert approvals_of(report) == {"business_executive": "approved", "it_executive": "approved", "process_owner": "approved"}
    assert [f["waived_by"]["ticket"] for f in report["findings"] if f["rule_id"] == "PG701"] == ["GOV-77"] * 2
    # Two pages of reviews were read, each with the token, and nothing else was asked.
    paths = [(method, p) for method, p, _headers in github.requests]
    assert paths == [("GET", "/api/v3/repos/acme/app/pulls/7"), ("GET", "/api/v3/repos/acme/app/pulls/7/reviews?per_page=100"),
                     ("GET", "/api/v3/repos/acme/app/pulls/7/reviews?per_page=2&page=2")]
    assert {headers.get("Authorization") for _m, _p, headers in github.requests} == {f"Bearer {TOKEN}"}
    assert report["change"]["verification"] == "pull request acme/app#7"


def test_approval_of_an_older_commit_is_stale(pr_repo: tuple[Path, str, Path], github: GitHub, run: Run) -> None:
    github.reviews = [review("hnovak"), review("sosei"), review("praman", commit_id=OLD)]
    code, report, _ = gate(run, *pr_repo)
    assert code == 1
    [(rule, line, msg)] = problems(report)
    assert (rule, line) == ("PG507", 17)
    assert msg == (
        "exception GOV-77 (PG701): process_owner @praman (Priya Raman) has no approval on the pull request's "
        f"head commit {HEAD[:12]} (approved {OLD[:12]}, not the head {HEAD[:12]}); it waives "
        "nothing until @praman approves"
    )
    assert approvals_of(report)["process_owner"] == "stale"
    assert not any(f["waived_by"] for f in report["findings"] if f["rule_id"] == "PG701")


def test_missing_and_withdrawn_reviews(pr_repo: tuple[Path, str, Path], github: GitHub, run: Run) -> None:
    github.reviews = [review("hnovak"), review("sosei"), review("sosei", "CHANGES_REQUESTED")]
    code, report, _ = gate(run, *pr_repo)
    assert code == 1
    assert [(r, line, m.split("(", 3)[-1]) for r, line, m in problems(report)] == [
        ("PG507", 16, "changes requested); it waives nothing until @sosei approves"),
        ("PG507", 17, "has not approved the pull request); it waives nothing until @praman approves"),
    ]


def test_author_cannot_approve_their_own_exception(pr_repo: tuple[Path, str, Path], github: GitHub, run: Run) -> None:
    github.pull["user"]["login"] = "PRaman"
    github.reviews = ALL_APPROVE
    code, report, _ = gate(run, *pr_repo)
    assert code == 1
    [(rule, line, msg)] = problems(report)
    assert (rule, line) == ("PG507", 17)
    assert "process_owner @praman is the pull request's author, who cannot approve their own exception" in msg


def test_approver_not_allowed_for_the_role(pr_repo: tuple[Path, str, Path], github: GitHub, run: Run) -> None:
    root, base, policy = pr_repo
    write(root, "ai-asset.yaml", TEAM_SANDBOX + exception(it="{name: Mallory Jones, github: mallory}"))
    github.reviews = [*ALL_APPROVE, review("mallory")]
    code, report, _ = gate(run, root, base, policy)
    assert code == 1
    [(rule, line, msg)] = problems(report)
    assert (rule, line) == ("PG508", 16)
    assert msg == ("exception GOV-77 (PG701): Mallory Jones (@mallory) is not allowed to approve as it_executive; "
                   "the policy allows @mkhan, @sosei")


def test_plain_names_cannot_be_verified(pr_repo: tuple[Path, str, Path], github: GitHub, run: Run) -> None:
    root, base, policy = pr_repo
    write(root, "ai-asset.yaml", TEAM_SANDBOX + exception(it="Samuel Osei"))
    github.reviews = ALL_APPROVE
    code, report, _ = gate(run, root, base, policy)
    assert code == 1
    assert [(r, line) for r, line, _m in problems(report)] == [("PG507", 16), ("PG508", 16)]
    assert "names no GitHub account" in problems(report)[0][2]


def test_exceptions_unchanged_since_the_base_are_not_queried(
    pr_repo: tuple[Path, str, Path], github: GitHub, run: Run
) -> None:
    root, _base, policy = pr_repo
    write(root, "ai-asset.yaml", TEAM_SANDBOX + "artifacts:\n  model_card: card.md\n"
          + exception().replace("requirement: PG701", "requirement: model_card"))
    base = commit(root, "exception merged")
    write(root, "notes.txt", "unrelated\n")
    code, report, _ = gate(run, root, base, policy)
    assert code == 0
    assert github.requests == []
    assert set(approvals_of(report).values()) == {"unchanged since the base commit"}
    [exc] = report["assets"][0]["exceptions"]
    assert exc["change"] == "unchanged"


def test_an_unchanged_downgrade_exception_waives_no_new_weakening(
    pr_repo: tuple[Path, str, Path], github: GitHub, run: Run
) -> None:
    """A PG701 exception approved and merged with one downgrade stays in the
    declaration; on main a later pull request that lowers a threshold passed under it
    ("unchanged since the base commit"). It was approved for the change it came with."""
    root, _base, policy = pr_repo
    evals = "evals:\n  - name: quality\n    results: evals/q.json\n    thresholds: {pass_rate: \">= 0.9\"}\n"
    write(root, "ai-asset.yaml", TEAM_SANDBOX + evals + exception())
    base = commit(root, "downgrade merged with its approved exception")
    write(root, "ai-asset.yaml", TEAM_SANDBOX + evals.replace(">= 0.9", ">= 0.5") + exception())
    github.reviews = ALL_APPROVE  # whatever the reviews say: they approve this pull request, not that exception
    code, report, _ = gate(run, root, base, policy)
    assert code == 1
    [weakened] = [f for f in report["findings"] if f["rule_id"] == "PG701"]
    assert weakened["message"] == "evals.quality.thresholds.pass_rate weakened: >= 0.9 at the base commit, now >= 0.5"
    assert weakened["waived_by"] is None
    [(line, msg)] = [(f["line"], f["message"]) for f in report["findings"] if f["rule_id"] == "PG506"]
    assert line == 13 and msg == (
        "exception GOV-77 (PG701) is unchanged since the base commit: it was approved for the change that added "
        "it and waives nothing this change weakens"
    )
    assert set(approvals_of(report).values()) == {"approved an earlier change"}
    assert github.requests == []
    # The same exception added anew (its own ticket) and approved on this pull request waives it,
    # and the record says what its approvers approved.
    write(root, "ai-asset.yaml", TEAM_SANDBOX + evals.replace(">= 0.9", ">= 0.5") + exception(ticket="GOV-78"))
    code, report, _ = gate(run, root, base, policy)
    assert code == 0, report["findings"]
    [exc] = report["assets"][0]["exceptions"]
    assert exc["change"] == "added" and exc["approved"] == [{
        "asset": "notes-summariser", "field": "evals.quality.thresholds.pass_rate", "base": ">= 0.9", "head": ">= 0.5",
    }]
    code, out, _err = run("check", str(root), "--base", base, "--policy", str(policy), "--pull-request", "acme/app#7",
                          "--format", "markdown", "--today", TODAY)
    assert code == 0
    assert ("| notes-summariser | `GOV-78` for PG701, added<br>approves notes-summariser "
            "`evals.quality.thresholds.pass_rate`: &gt;= 0.9 → &gt;= 0.5 | ✅ business") in out


@pytest.mark.parametrize(
    ("env", "args", "why"),
    [
        ({"GITHUB_TOKEN": ""}, ("--pull-request", "acme/app#7"), "no GitHub token"),
        ({}, (), "not run on a pull request"),
    ],
)
def test_without_token_or_pull_request_verification_is_skipped_not_passed(
    pr_repo: tuple[Path, str, Path], github: GitHub, run: Run, monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str], args: tuple[str, ...], why: str,
) -> None:
    root, base, policy = pr_repo
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    code, out, _err = run("check", str(root), "--base", base, "--policy", str(policy), "--format", "json",
                          "--today", TODAY, *args)
    report = json.loads(out)
    # A downgrade's exception that cannot be verified waives nothing: a local run fails
    # where the pull request would need reviews (main passed it with a note).
    assert code == 1
    [(rule, line, msg)] = problems(report)
    assert (rule, line) == ("PG705", 14) and why in msg and "pending verification" in msg
    assert [f["severity"] for f in report["findings"] if f["rule_id"] == "PG705"] == ["note"]
    assert all(s.startswith("pending verification: ") for s in approvals_of(report).values())
    assert not any(f["waived_by"] for f in report["findings"] if f["rule_id"] == "PG701")
    assert github.requests == []
    # An exception for any other requirement is still only noted as not verified.
    write(root, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot")
          + "artifacts:\n  model_card: card.md\n" + exception().replace("requirement: PG701", "requirement: model_card"))
    code, out, _err = run("check", str(root), "--base", base, "--policy", str(policy), "--format", "json",
                          "--today", TODAY, *args)
    report = json.loads(out)
    assert code == 0 and all(s.startswith("not verified: ") for s in approvals_of(report).values())


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (500, {}, "HTTP 500: Server says no"),
        (403, {"X-RateLimit-Remaining": "0"}, "HTTP 403: Server says no (API rate limit exceeded; re-run the job later)"),
        (429, {}, "HTTP 429: Server says no (API rate limit exceeded"),
        (401, {}, "HTTP 401: Server says no (the token cannot read the pull request: give the job `pull-requests: read`)"),
    ],
)
def test_api_errors_are_configuration_errors(
    pr_repo: tuple[Path, str, Path], github: GitHub, run: Run, status: int, headers: dict[str, str], expected: str
) -> None:
    github.status, github.headers = status, headers
    code, report, err = gate(run, *pr_repo)
    assert code == 2 and report == {}
    assert err.startswith("prodgate: error: cannot read pull request acme/app#7: ") and expected in err
    assert TOKEN not in err


def test_link_to_another_host_is_not_followed(pr_repo: tuple[Path, str, Path], github: GitHub, run: Run) -> None:
    github.reviews = ALL_APPROVE
    github.url = "http://localhost:1/api/v3"  # the Link header now points elsewhere
    code, report, _ = gate(run, *pr_repo)
    # Only the first page was read: the token never went to the other host, and the
    # reviews on the unread page count as missing.
    assert len(github.requests) == 2
    assert code == 1 and [r for r, _l, _m in problems(report)] == ["PG507", "PG507"]


def test_bad_pull_request_argument(pr_repo: tuple[Path, str, Path], run: Run) -> None:
    root = pr_repo[0]
    code, out, err = run("check", str(root), "--pull-request", "acme/app/7")
    assert code == 2 and out == ""
    assert err == (
        "prodgate: error: --pull-request 'acme/app/7': expected OWNER/REPO#NUMBER or OWNER/REPO#NUMBER@SHA "
        "(a full commit id)\n"
    )


def test_approvals_are_judged_against_the_commit_checked_not_the_api_head(
    pr_repo: tuple[Path, str, Path], github: GitHub, run: Run
) -> None:
    """A push while the run is going moves the API's head to a newer commit. Approvals
    of that newer commit must not waive anything in this run, which checks the event's
    head; approvals of the checked commit still count."""
    root, base, policy = pr_repo

    def gate_at(sha: str) -> tuple[int, dict[str, Any]]:
        code, out, err = run(
            "check", str(root), "--base", base, "--policy", str(policy), "--pull-request", f"acme/app#7@{sha}",
            "--format", "json", "--today", TODAY,
        )
        assert out, err
        return code, json.loads(out)

    # Everyone approved the newer head (HEAD) that the API reports; this run checks OLD.
    github.reviews = ALL_APPROVE
    code, report = gate_at(OLD)
    assert code == 1
    assert approvals_of(report) == {"business_executive": "stale", "it_executive": "stale", "process_owner": "stale"}
    msgs = [m for rule, _line, m in problems(report) if rule == "PG507"]
    assert len(msgs) == 3
    assert all(f"head commit {OLD[:12]} (approved {HEAD[:12]}, not the head {OLD[:12]})" in m for m in msgs), msgs
    assert not any(f["waived_by"] for f in report["findings"] if f["rule_id"] == "PG701")

    # Approvals of the commit this run checks count, whatever head the API reports.
    github.reviews = [review(login, commit_id=OLD) for login in ("hnovak", "sosei", "praman")]
    code, report = gate_at(OLD)
    assert code == 0, report["findings"]
    assert approvals_of(report) == {"business_executive": "approved", "it_executive": "approved",
                                    "process_owner": "approved"}


def test_the_action_passes_the_events_head_commit() -> None:
    from prodgate.github.action import _change_control
    from prodgate.github.event import pull_request

    event = {"number": 7, "repository": {"full_name": "acme/app"},
             "pull_request": {"number": 7, "base": {"sha": OLD}, "head": {"sha": HEAD}}}
    pr = pull_request(event)
    assert pr is not None
    assert _change_control(pr, {}) == ["--base", OLD, "--pull-request", f"acme/app#7@{HEAD}"]
    # A head that is not a commit id is not passed on (nothing from the payload reaches argv unchecked).
    event["pull_request"]["head"] = {"sha": "--policy=evil.yaml"}
    pr = pull_request(event)
    assert pr is not None
    assert _change_control(pr, {}) == ["--base", OLD, "--pull-request", "acme/app#7"]


def test_the_token_appears_in_no_output(
    pr_repo: tuple[Path, str, Path], github: GitHub, run: Run, tmp_path: Path
) -> None:
    root, base, policy = pr_repo
    outputs = tmp_path / "out"
    seen: list[str] = []
    codes: list[int] = []
    for reviews, status in ((ALL_APPROVE, 200), ([review("hnovak")], 200), ([], 500)):
        github.reviews, github.status = reviews, status
        code, out, err = run(
            "check", str(root), "--base", base, "--policy", str(policy), "--pull-request", "acme/app#7",
            "--today", TODAY, "--format", "text", "--format", f"json={outputs / 'r.json'}",
            "--format", f"sarif={outputs / 'r.sarif'}", "--format", f"markdown={outputs / 'r.md'}",
            "--format", f"github={outputs / 'gh.txt'}", "--format", f"junit={outputs / 'r.xml'}",
        )
        codes.append(code)
        seen += [out, err]
        seen += [p.read_text(encoding="utf-8") for p in outputs.iterdir()] if outputs.exists() else []
    assert codes == [0, 1, 2]
    assert len(seen) >= 8 and any("PG507" in s for s in seen)
    assert not [s for s in seen if TOKEN in s or TOKEN[4:20] in s]


def test_summary_shows_each_approver_and_their_review_state(
    pr_repo: tuple[Path, str, Path], github: GitHub, run: Run
) -> None:
    root, base, policy = pr_repo
    github.reviews = [review("hnovak"), review("sosei"), review("praman", commit_id=OLD)]
    code, out, _err = run("check", str(root), "--base", base, "--policy", str(policy), "--pull-request", "acme/app#7",
                          "--format", "markdown", "--today", TODAY)
    assert code == 1
    section = out[out.index("### Changes to governance"):out.index("<details")]
    assert "Approvals verified against: pull request acme/app#7" in section
    assert (
        "| notes-summariser | `GOV-77` for PG701, added | ✅ business\\_executive: Helena Novak (<code>@hnovak</code>) — approved"
        "<br>✅ it\\_executive: Samuel Osei (<code>@sosei</code>) — approved"
        "<br>❌ process\\_owner: Priya Raman (<code>@praman</code>) — stale |"
    ) in section
    assert "| notes-summariser | `stage` at `ai-asset.yaml:4:8` | pilot | sandbox | ❌ `PG701` |" in section


@pytest.mark.parametrize(
    ("business", "it", "rule_line"),
    [
        ("Samuel Osei", "{name: Samuel Osei, github: sosei}", 16),       # same name, one without an account
        ("{name: S. Osei, github: SOSEI}", "{name: Samuel Osei, github: sosei}", 16),  # same account
        ("samuel  osei", "Samuel Osei", 16),                              # same name, spelled loosely
        ("Helena Novak", "Samuel Osei", None),                            # three people
        ("{name: Samuel Osei, github: sosei2}", "{name: Samuel Osei, github: sosei}", None),  # two accounts
        ("Samuel Osei", "\u0405\u0430mu\u0435l \u041es\u0435i", 16),  # Cyrillic DZE, A, IE and O look alike
        ("Sasha Mico", "\u0405\u0430\u0455\u04bb\u0430 \u041c\u0456\u0441\u043e", 16),  # all Cyrillic, looks the same
        # Two accounts, but names that only look alike: a namesake types the same letters.
        ("{name: Samuel Osei, github: sosei2}", "{name: \u0405\u0430mu\u0435l \u041es\u0435i, github: sosei}", 16),
        ("Samuel Oseï", "Samuel Osei", None),                              # a diaeresis is another letter
    ],
)
def test_one_person_in_two_roles(repo: Path, run: Run, business: str, it: str, rule_line: int | None) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + exception(it=it).replace(
        "{name: Helena Novak, github: hnovak}", business).replace("requirement: PG701", "requirement: model_card"))
    code, out, _err = run("check", str(repo), "--format", "json", "--today", TODAY)
    report = json.loads(out)
    found = [(f["rule_id"], f["line"]) for f in report["findings"] if f["rule_id"] == "PG509"]
    if rule_line is None:
        assert code == 0 and found == []
    else:
        assert code == 1 and found == [("PG509", rule_line)]
        [f] = [f for f in report["findings"] if f["rule_id"] == "PG509"]
        assert "approves as both business_executive and it_executive" in f["message"]


def test_policy_may_allow_one_person_in_two_roles(repo: Path, run: Run, tmp_path: Path) -> None:
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + exception().replace(
        "{name: Helena Novak, github: hnovak}", "{name: Samuel Osei, github: sosei}").replace(
        "requirement: PG701", "requirement: model_card"))
    policy = write(tmp_path, "p.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: small-team\n"
                   "exceptions: {distinct_approvers: false}\n")
    code, out, _err = run("check", str(repo), "--format", "json", "--today", TODAY, "--policy", str(policy))
    assert code == 0
    assert not [f for f in json.loads(out)["findings"] if f["rule_id"] == "PG509"]


def test_look_alike_names_are_one_person_and_a_mixed_script_name_is_refused(repo: Path, run: Run) -> None:
    """A Helena Novak typed with a Cyrillic capital EN and small IE is Helena Novak: PG509 for the two roles
    she fills, and PG501 because a name that mixes scripts is no one's name."""
    look_alike = "\u041d\u0435lena Novak"
    write(repo, "ai-asset.yaml", TEAM_SANDBOX.replace("stage: sandbox", "stage: pilot") + exception(
        it=look_alike).replace("{name: Helena Novak, github: hnovak}", "Helena Novak").replace(
        "requirement: PG701", "requirement: model_card"))
    code, out, _err = run("check", str(repo), "--format", "json", "--today", TODAY)
    assert code == 1
    found = {f["rule_id"]: (f["line"], f["message"]) for f in json.loads(out)["findings"]
             if f["rule_id"] in ("PG501", "PG509")}
    assert found == {
        "PG501": (14, f"exception GOV-77 (model_card) lacks approval by it_executive ({look_alike!r} mixes "
                      "scripts (Cyrillic, Latin), which no one's name does; write it in one script); it waives nothing"),
        "PG509": (16, f"exception GOV-77 (model_card): {look_alike} approves as both business_executive and "
                      "it_executive; the approvals must come from different people, so it waives nothing"),
    }


@pytest.mark.parametrize("name", ["山田 太郎", "山田 たろう", "Γιώργος Παπαδόπουλος", "José Ortiz-Núñez", "Zoë O\u2019Neil"])
def test_names_in_one_writing_are_names(name: str) -> None:
    from prodgate.rules.people import not_a_name

    assert not_a_name(name) is None


@pytest.mark.parametrize("association", ["NONE", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", None])
def test_review_without_write_access_does_not_count(
    pr_repo: tuple[Path, str, Path], github: GitHub, run: Run, tmp_path: Path, association: str | None
) -> None:
    """Anyone can open an account and approve. With no `approvers:` list in the policy,
    only GitHub's `author_association` tells who has write access to the repository."""
    root, base, _policy = pr_repo
    open_policy = write(tmp_path, "open.yaml", "apiVersion: prodgate/policy/v1\nextends: builtin\nname: acme\n"
                        "exceptions: {verify: pull-request-reviews}\n")
    sosei = review("sosei")
    if association is None:
        del sosei["author_association"]  # not sent: counts as no access
    else:
        sosei["author_association"] = association
    github.reviews = [review("hnovak", association="OWNER"), sosei, review("praman", association="MEMBER")]
    code, report, _ = gate(run, root, base, open_policy)
    assert code == 1
    [(rule, line, msg)] = problems(report)
    assert (rule, line) == ("PG507", 16)
    assert msg == (
        "exception GOV-77 (PG701): it_executive @sosei (Samuel Osei) has no approval on the pull request's head "
        f"commit {HEAD[:12]} (GitHub marks the review author_association {association or 'NONE'}: the account has "
        "no write access to the repository); it waives nothing until @sosei approves"
    )
    assert approvals_of(report)["it_executive"] == "no write access"
    assert not any(f["waived_by"] for f in report["findings"] if f["rule_id"] == "PG701")
    # The same review from a collaborator counts.
    sosei["author_association"] = "COLLABORATOR"
    code, report, _ = gate(run, root, base, open_policy)
    assert code == 0, report["findings"]


def test_approvers_differ_by_tier(pr_repo: tuple[Path, str, Path], github: GitHub, run: Run) -> None:
    """``exceptions.approvers.<tier>`` replaces a role's flat list for that tier's
    assets only: on this team asset @mallory may approve as it_executive, @sosei may not."""
    root, base, policy = pr_repo
    policy.write_text(POLICY + "    team: {it_executive: [mallory]}\n    enterprise: {it_executive: [cio]}\n")
    write(root, "ai-asset.yaml", TEAM_SANDBOX + exception(it="{name: Mallory Jones, github: mallory}"))
    github.reviews = [*ALL_APPROVE, review("mallory")]
    code, report, _ = gate(run, root, base, policy)
    assert (code, problems(report)) == (0, [])
    write(root, "ai-asset.yaml", TEAM_SANDBOX + exception())
    code, report, _ = gate(run, root, base, policy)
    [(rule, line, msg)] = problems(report)
    assert (code, rule, line) == (1, "PG508", 16)
    assert msg.endswith("is not allowed to approve as it_executive; the policy allows @mallory")


@pytest.mark.parametrize(
    ("approvers", "expected"),
    [
        ("{enterprize: {it_executive: [sosei]}}",
         "exceptions.approvers.enterprize: 'enterprize' is not a tier; a mapping under exceptions.approvers "
         "is a tier's own approvers (team, departmental, enterprise), a list is a role's; did you mean 'enterprise'?"),
        ("{enterprise: {it_exec: [sosei]}}",
         "exceptions.approvers.enterprise.it_exec: unknown approval role 'it_exec'"),
    ],
)
def test_tier_approvers_are_checked(tmp_path: Path, approvers: str, expected: str) -> None:
    from prodgate.policy.loader import PolicyError, load_policy

    policy = write(tmp_path, "org.yaml", f"apiVersion: prodgate/policy/v1\nextends: builtin\nname: a\nexceptions:\n  approvers: {approvers}\n")
    with pytest.raises(PolicyError, match=r"org\.yaml:5:") as caught:
        load_policy(str(policy))
    assert expected in str(caught.value)
