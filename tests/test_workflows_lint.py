"""Every workflow the documentation shows or examples/ ships passes zizmor (offline) and
check-jsonschema's GitHub workflow schema, and the documented copies are the shipped
files, byte for byte."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
EXAMPLES = sorted((REPO / "examples" / "workflows").glob("*.yml"))


def _documented() -> list[tuple[str, str]]:
    """(page:index, YAML) of every workflow block in docs/*.md."""
    out = []
    for page in sorted((REPO / "docs").glob("*.md")):
        blocks = re.findall(r"```yaml\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        out += [(f"{page.name}:{i}", b) for i, b in enumerate(blocks) if "\njobs:\n" in b]
    return out


def _lint(files: list[Path]) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    zizmor = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", *map(str, files)],
        capture_output=True, text=True, check=False,
    )
    schema = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        capture_output=True, text=True, check=False,
    )
    return zizmor, schema


def _gathered(tmp_path: Path) -> list[Path]:
    # zizmor audits workflows by their place: .github/workflows/ of a repository.
    where = tmp_path / ".github" / "workflows"
    where.mkdir(parents=True)
    files = []
    for name, text in _documented():
        path = where / (name.replace(".md:", "-") + ".yml")
        path.write_text(text, encoding="utf-8")
        files.append(path)
    for example in EXAMPLES:
        files.append(Path(shutil.copy2(example, where / f"example-{example.name}")))
    return files


def test_documented_and_shipped_workflows_pass_zizmor_and_the_workflow_schema(tmp_path: Path) -> None:
    files = _gathered(tmp_path)
    assert len(files) >= 6  # two in action.md, two in attestation.md, two examples
    zizmor, schema = _lint(files)
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
    assert schema.returncode == 0, schema.stdout + schema.stderr


def test_attestation_page_shows_the_shipped_examples() -> None:
    blocks = [b for name, b in _documented() if name.startswith("attestation.md")]
    assert blocks == [e.read_text(encoding="utf-8") for e in (REPO / "examples/workflows/prodgate-gate.yml",
                                                              REPO / "examples/workflows/deploy-verified.yml")]


def test_the_linters_see_an_injection_and_a_broken_workflow(tmp_path: Path) -> None:
    where = tmp_path / ".github" / "workflows"
    where.mkdir(parents=True)
    injected = where / "injected.yml"
    injected.write_text(
        "name: x\non: pull_request_target\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    permissions: {}\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    broken = where / "broken.yml"
    broken.write_text("name: x\non: push\njobs:\n  a:\n    steps: 3\n", encoding="utf-8")
    zizmor, _ = _lint([injected])
    assert zizmor.returncode != 0 and "template-injection" in zizmor.stdout
    _, schema = _lint([broken])
    assert schema.returncode != 0
