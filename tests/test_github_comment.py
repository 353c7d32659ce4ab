"""The sticky pull request comment against a local stand-in for the REST API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gha import FakeGitHub
from prodgate.github.comment import COMMENT_LIMIT, Target, comment_body, marker, upsert_comment

TOKEN = "ghs_s3cr3tT0kenValue"


@pytest.fixture
def api() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    yield fake
    fake.close()


def _target(api: FakeGitHub) -> Target:
    return Target(api.url, "acme/app", 7)


def test_creates_then_updates_the_same_comment_across_pages(api: FakeGitHub) -> None:
    for i in range(100):
        api.add(f"unrelated {i}")
    mark = marker("merge")
    first = upsert_comment(_target(api), TOKEN, comment_body("## one", mark), mark)
    assert first.ok and first.message == "created the pull request comment"
    [ours] = [c for c in api.comments if c["body"].startswith(mark)]
    assert api.comments.index(ours) == 100  # on page 2
    second = upsert_comment(_target(api), TOKEN, comment_body("## two", mark), mark)
    assert second.ok and second.message == "updated the pull request comment"
    assert [c["body"] for c in api.comments if c["body"].startswith(mark)] == [f"{mark}\n## two"]
    assert len(api.comments) == 101
    methods = [(m, p.split("?")[0].removeprefix("/api/v3")) for m, p, _ in api.requests]
    assert methods[-3:] == [
        ("GET", "/repos/acme/app/issues/7/comments"),
        ("GET", "/repos/acme/app/issues/7/comments"),
        ("PATCH", f"/repos/acme/app/issues/comments/{ours['id']}"),
    ]
    assert all(h["Authorization"] == f"Bearer {TOKEN}" for _, _, h in api.requests)


def test_edits_only_the_comment_of_the_actions_bot(api: FakeGitHub) -> None:
    mark = marker("merge")
    api.add(f"{mark}\nquoted by a person")
    api.add(f"{mark}\nanother app", user_type="Bot", login="other-app[bot]")
    bot = api.add(f"{mark}\nold report", user_type="Bot", login="github-actions[bot]")
    assert upsert_comment(_target(api), TOKEN, f"{mark}\nnew", mark).message == "updated the pull request comment"
    assert [c["body"] for c in api.comments] == [
        f"{mark}\nquoted by a person", f"{mark}\nanother app", f"{mark}\nnew"
    ]
    assert bot["body"] == f"{mark}\nnew"


def test_a_forged_marker_is_never_edited(api: FakeGitHub) -> None:
    """A person posts the marker first: the gate writes its own comment beside it."""
    mark = marker("merge")
    forged = api.add(f"{mark}\n## ✅ prodgate merge gate passed", login="mallory")
    first = upsert_comment(_target(api), TOKEN, comment_body("## ❌ failed", mark), mark)
    assert first.message == "created the pull request comment"
    assert forged["body"] == f"{mark}\n## ✅ prodgate merge gate passed"
    assert api.comments[1]["user"]["login"] == "github-actions[bot]"
    second = upsert_comment(_target(api), TOKEN, comment_body("## ❌ still failed", mark), mark)
    assert second.message == "updated the pull request comment"
    assert [c["body"] for c in api.comments] == [forged["body"], f"{mark}\n## ❌ still failed"]


def test_a_personal_token_edits_its_own_user_comment(api: FakeGitHub) -> None:
    api.token_login = "ci-user"
    mark = marker("merge")
    api.add(f"{mark}\nbot's", user_type="Bot", login="github-actions[bot]")
    mine = api.add(f"{mark}\nold", login="ci-user")
    assert upsert_comment(_target(api), TOKEN, f"{mark}\nnew", mark).message == "updated the pull request comment"
    assert mine["body"] == f"{mark}\nnew" and api.comments[0]["body"] == f"{mark}\nbot's"
    assert ("GET", "/api/v3/user") in [(m, p) for m, p, _ in api.requests]


def test_an_app_installation_token_edits_only_its_own_bot_comment(api: FakeGitHub) -> None:
    """A GitHub App's token: ``GET /user`` refuses it, GraphQL's viewer names its bot,
    and the Actions bot's comment (another identity) is left alone."""
    api.app_login = "acme-gate[bot]"
    mark = marker("merge")
    actions = api.add(f"{mark}\nactions bot's", user_type="Bot", login="github-actions[bot]")
    ours = api.add(f"{mark}\nold", user_type="Bot", login="acme-gate[bot]")
    result = upsert_comment(_target(api), TOKEN, f"{mark}\nnew", mark)
    assert (result.ok, result.message) == (True, "updated the pull request comment")
    assert (actions["body"], ours["body"]) == (f"{mark}\nactions bot's", f"{mark}\nnew")
    calls = [(m, p.split("?")[0]) for m, p, _ in api.requests]
    assert calls[:3] == [
        ("GET", "/api/v3/user"), ("POST", "/api/graphql"), ("GET", "/api/v3/repos/acme/app/issues/7/comments"),
    ]


def test_an_app_token_without_a_comment_of_its_own_writes_a_new_one(api: FakeGitHub) -> None:
    api.app_login = "acme-gate[bot]"
    mark = marker("merge")
    actions = api.add(f"{mark}\nactions bot's", user_type="Bot", login="github-actions[bot]")
    result = upsert_comment(_target(api), TOKEN, f"{mark}\nnew", mark)
    assert (result.ok, result.message) == (True, "created the pull request comment")
    assert actions["body"] == f"{mark}\nactions bot's"
    assert api.comments[1]["user"]["login"] == "acme-gate[bot]"


def test_an_identity_that_cannot_be_told_edits_nothing(api: FakeGitHub) -> None:
    api.app_login = None  # GET /user is 403 and there is no GraphQL to ask
    mark = marker("merge")
    bot = api.add(f"{mark}\nold", user_type="Bot", login="github-actions[bot]")
    result = upsert_comment(_target(api), TOKEN, f"{mark}\nnew", mark)
    assert result.ok
    assert result.message == (
        "created the pull request comment; who the token is could not be told (neither GET /user "
        "nor GraphQL's viewer answered), so no earlier comment was edited"
    )
    assert bot["body"] == f"{mark}\nold" and len(api.comments) == 2
    assert not [m for m, p, _ in api.requests if m == "GET" and p.startswith("/api/v3/repos")]


def test_marker_in_the_content_is_escaped() -> None:
    mark = marker("merge")
    body = comment_body(f"asset `{mark}` and {marker('deploy')}", mark)
    assert body.count("<!-- prodgate:comment") == 1 and body.startswith(mark + "\n")
    assert "&lt;!-- prodgate:comment gate=deploy -->" in body


def test_gates_have_separate_comments(api: FakeGitHub) -> None:
    upsert_comment(_target(api), TOKEN, f"{marker('merge')}\nm", marker("merge"))
    upsert_comment(_target(api), TOKEN, f"{marker('deploy')}\nd", marker("deploy"))
    assert len(api.comments) == 2


def test_forbidden_is_a_message_without_the_token(api: FakeGitHub) -> None:
    api.forbid = True
    result = upsert_comment(_target(api), TOKEN, "body", marker("merge"))
    assert not result.ok
    # Who the token is cannot be told either (403 everywhere): nothing is listed to edit.
    assert result.message.startswith(
        "cannot create the pull request comment: HTTP 403: Resource not accessible by integration"
    )
    assert "read-only token" in result.message
    assert TOKEN not in result.message


def test_unreachable_api_is_a_message() -> None:
    result = upsert_comment(Target("http://127.0.0.1:9", "acme/app", 7), TOKEN, "b", marker("merge"), timeout=2)
    assert not result.ok and result.message.startswith("cannot reach the GitHub API: ConnectionError")
    assert TOKEN not in result.message


def test_link_to_another_host_is_not_followed(api: FakeGitHub) -> None:
    for i in range(3):
        api.add(f"c{i}")
    api.per_page_cap = 1
    # Point the next link somewhere else: the token must not travel there.
    original = api.url
    api.url = api.url.replace("127.0.0.1", "localhost")
    try:
        result = upsert_comment(Target(original, "acme/app", 7), TOKEN, "b", marker("merge"))
    finally:
        api.url = original
    assert result.ok
    gets = [p for m, p, _ in api.requests if m == "GET" and "/comments" in p]
    assert len(gets) == 1  # the foreign "next" link was not followed


def test_no_token_skips() -> None:
    result = upsert_comment(Target("http://127.0.0.1:9", "acme/app", 7), "", "b", marker("merge"))
    assert not result.ok and "no GitHub token" in result.message


def test_body_is_trimmed_to_the_comment_limit() -> None:
    mark = marker("merge")
    body = comment_body("line\n" * 20000, mark, "https://github.com/acme/app/actions/runs/1")
    assert len(body) <= COMMENT_LIMIT
    assert body.startswith(mark + "\n")
    assert body.endswith("the full summary is in [the workflow run](https://github.com/acme/app/actions/runs/1).\n")


def test_marker_is_hidden_and_per_gate() -> None:
    assert marker("merge") == "<!-- prodgate:comment gate=merge -->"
    assert marker("de-->ploy") == "<!-- prodgate:comment gate=deploy -->"


def test_requests_is_imported_only_for_the_comment() -> None:
    import subprocess
    import sys

    code = (
        "import sys, prodgate.github.action, prodgate.github.comment, prodgate.reporters.github, "
        "prodgate.reporters.sarif, prodgate.reporters.markdown, prodgate.reporters.junit; "
        "print('requests' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
