"""Editors find the schema: the ``init`` modeline, the schema's ``$id`` and the SchemaStore
catalogue entry name one address, the committed schema in the project's repository at
the tag of the installed version."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from prodgate import HOME, __version__
from prodgate.manifest.schema import REPOSITORY, schema_dict, schema_url
from prodgate.reporters.links import DOCS_URL, links_from_env

from conftest import REPO

Run = Callable[..., tuple[int, str, str]]


def test_url_names_the_committed_schema_at_the_version_tag() -> None:
    found = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(), re.M)
    assert found is not None
    version = found.group(1)
    m = re.fullmatch(r"https://raw\.githubusercontent\.com/([^/]+/[^/]+)/v([^/]+)/(.+)", schema_url())
    assert m is not None
    assert m.group(1) == REPOSITORY and m.group(2) == version
    assert (REPO / m.group(3)).is_file()  # the file the tag will hold
    assert f"https://github.com/{REPOSITORY}" in (REPO / "README.md").read_text()  # one published address
    assert schema_dict()["$id"] == schema_url()


def test_init_modeline_points_at_it(tmp_path: Path, run: Run) -> None:
    code, _out, _err = run("init", "--name", "bot", "--tier", "team", "--owner", "A B <a@example.com>", str(tmp_path))
    assert code == 0
    first = (tmp_path / "ai-asset.yaml").read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema={schema_url()}"


def test_schemastore_catalogue_entry() -> None:
    entry = json.loads((REPO / "schema" / "schemastore-catalog-entry.json").read_text())
    assert set(entry) == {"name", "description", "fileMatch", "url"}
    assert entry["fileMatch"] == ["ai-asset.yaml", "ai-asset.yml"]
    assert entry["url"] == schema_url()


def test_schema_address_and_rule_links_derive_from_the_one_home() -> None:
    """The schema's address and the reports' rule links name the same repository, the
    project's home, at the installed version's tag."""
    assert HOME == "https://github.com/prodgate/prodgate"
    assert REPOSITORY == "prodgate/prodgate"
    assert schema_url() == f"https://raw.githubusercontent.com/prodgate/prodgate/v{__version__}/schema/ai-asset.schema.json"
    assert f"{HOME}/blob/v{__version__}/docs/rules.md" == DOCS_URL
    assert links_from_env({}, None).rule("PG301") == f"{HOME}/blob/v{__version__}/docs/rules.md#pg301"
    other = "https://ghe.example/platform/prodgate/blob/v1/README.md"
    assert links_from_env({"PRODGATE_DOCS_URL": other}, None).rule("PG301") == f"{other}#pg301"
    # The committed copies (schema/, the packaged schema, the catalogue entry) say the same.
    for committed in ("schema/ai-asset.schema.json", "src/prodgate/manifest/ai-asset.schema.json"):
        assert json.loads((REPO / committed).read_text())["$id"] == schema_url(), committed
    assert "acme/prodgate" not in (REPO / "README.md").read_text()
