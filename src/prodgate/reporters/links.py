"""Where a report's places and rule ids link to.

A location links to the file at its line in the commit that was checked
(``{server}/{repo}/blob/{sha}/{path}#L{line}``), so the link still shows what the gate
saw after the branch moves on. A rule id links to its row in the rule table of ``docs/rules.md``.
Outside GitHub Actions, or when the commit is unknown, locations stay plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from prodgate import HOME, __version__
from prodgate.findings import Location
from prodgate.github.api import COMMIT, REPO
from prodgate.hygiene import name_bytes

DOCS_URL = f"{HOME}/blob/v{__version__}/docs/rules.md"
"""The rules page, whose table has an anchor per rule id (``#pg301``)."""

_SERVER = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~-]+)*$")
_URL = re.compile(r"^https://[^\s()<>\[\]\"'`\\]+$")


@dataclass(frozen=True)
class Links:
    blob_base: str | None = None
    """``{server}/{repo}/blob/{sha}`` or None when places are not linked."""
    docs: str = DOCS_URL

    def location(self, loc: Location) -> str | None:
        if not self.blob_base or not loc.path or loc.path.startswith(("/", "../")):
            return None
        # Percent-encoded bytes: a file name that is not UTF-8 still links to its file.
        url = f"{self.blob_base}/{quote(name_bytes(loc.path))}"
        return f"{url}#L{loc.line}" if loc.line > 0 else url

    def rule(self, rule_id: str) -> str:
        return f"{self.docs}#{rule_id.lower()}"


def links_from_env(env: Mapping[str, str], commit: str | None) -> Links:
    """Links for a run under GitHub Actions; each value is checked, since a malformed
    one would make every link in the report point somewhere else."""
    server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
    docs = env.get("PRODGATE_DOCS_URL", "").strip() or _action_docs(env, server) or DOCS_URL
    if not _URL.match(docs):
        docs = DOCS_URL
    repo = env.get("GITHUB_REPOSITORY", "")
    sha = (commit or env.get("GITHUB_SHA", "")).lower()
    if env.get("GITHUB_ACTIONS") != "true" or not (_SERVER.match(server) and REPO.match(repo) and COMMIT.match(sha)):
        return Links(None, docs)
    return Links(f"{server}/{repo}/blob/{sha}", docs)


_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$")


def _action_docs(env: Mapping[str, str], server: str) -> str | None:
    """The rules page of the action that runs, at the ref the workflow pinned: a fork or
    an organisation's copy documents its own rules, and a pinned version its own rules.
    ``action.yml`` passes ``github.action_repository`` and ``github.action_ref``; a local
    action (``uses: ./``) has neither, and the default stands."""
    repo = env.get("PRODGATE_ACTION_REPOSITORY", "")
    ref = env.get("PRODGATE_ACTION_REF", "")
    if not (_SERVER.match(server) and REPO.match(repo) and _REF.match(ref)) or ".." in ref:
        return None
    return f"{server}/{repo}/blob/{quote(ref, safe='/')}/docs/rules.md"

