"""A monorepo of scaffolded assets: most still as ``prodgate init`` leaves them (the same
four findings each), a few filled in and passing. What a platform team sees on the
first pull request that declares every service."""

from __future__ import annotations

import shutil
from pathlib import Path

from prodgate.templates import read_template

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "departmental-pilot-failing"

SCAFFOLDED = """\
apiVersion: prodgate/v1
name: {name}
tier: departmental
stage: pilot
owner: {{ name: {owner}, email: {email} }}
artifacts:
  model_card: docs/model-card.md
"""

FILLED = """\
apiVersion: prodgate/v1
name: {name}
tier: departmental
stage: pilot
owner: {{ name: {owner}, email: {email} }}
business_owner: {{ name: Raj Patel, email: raj.patel@example.com }}
evals:
  - name: reply-quality
    results: evals/reply-quality.json
    format: prodgate
    thresholds: {{ pass_rate: ">= 0.95" }}
artifacts:
  model_card: docs/model-card.md
review: {{ last_reviewed: 2026-10-01 }}
"""

RESULTS = '{"format": "prodgate/eval/v1", "metrics": {"pass_rate": 0.98, "passed": 392, "tests": 400}}\n'

OWNERS = [("Jane Doe", "jane.doe@example.com"), ("Li Wei", "li.wei@example.com"), ("Ana Ruiz", "ana.ruiz@example.com")]


def build(root: Path, count: int = 12, passing: frozenset[int] = frozenset({2, 7})) -> Path:
    """``services/svc-1`` … ``services/svc-{count}``; those in ``passing`` are filled in."""
    template = read_template("model_card.md")
    for i in range(1, count + 1):
        name = f"svc-{i}"
        home = root / "services" / name
        (home / "docs").mkdir(parents=True)
        owner, email = OWNERS[i % len(OWNERS)]
        if i in passing:
            (home / "ai-asset.yaml").write_text(FILLED.format(name=name, owner=owner, email=email), encoding="utf-8")
            shutil.copy(EXAMPLE / "docs" / "model-card.md", home / "docs" / "model-card.md")
            (home / "evals").mkdir()
            (home / "evals" / "reply-quality.json").write_text(RESULTS, encoding="utf-8")
        else:
            (home / "ai-asset.yaml").write_text(SCAFFOLDED.format(name=name, owner=owner, email=email), encoding="utf-8")
            card = template.replace("{{ asset_name }}", name).replace("{{ owner }}", f"{owner} <{email}>")
            (home / "docs" / "model-card.md").write_text(card, encoding="utf-8")
    return root
