"""Realistic inventories of many repositories, for the register's tests and benchmark.

Deterministic for a seed. Shaped exactly like ``prodgate inventory --format json``
(the tests check one against the real command's output keys).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

TIERS = ("team", "departmental", "enterprise")
STAGES = ("sandbox", "pilot", "production", "retired")
OWNERS = [f"{first} {last}" for first in ("Ada", "Raj", "Maria", "Tom", "Li", "Omar", "Grace", "Priya", "Jane", "Samuel")
          for last in ("Lovelace", "Patel", "Garcia", "Becker", "Wei", "Haddad", "Kim", "Raman", "Doe", "Osei")]
MODELS = [("openai", "gpt-4o-mini", "2024-07-18"), ("openai", "gpt-4o", "2024-08-06"), ("anthropic", "claude-haiku", None),
          ("azure-openai", "gpt-4o", "2024-08-06"), ("huggingface", "distilbert-base-uncased", None)]


def inventory(repo: str, commit: str, generated_at: str, n_assets: int, rng: random.Random, undeclared: int = 0) -> dict[str, Any]:
    today = dt.date.fromisoformat(generated_at[:10])
    assets = []
    for i in range(n_assets):
        tier = rng.choice(TIERS)
        effective = tier if rng.random() < 0.85 else TIERS[min(2, TIERS.index(tier) + 1)]
        stage = rng.choice(STAGES)
        owner = rng.choice(OWNERS)
        passed = rng.random() < 0.8
        last = today - dt.timedelta(days=rng.randint(0, 400))
        cadence = {"team": 365, "departmental": 180, "enterprise": 90}[effective]
        due = last + dt.timedelta(days=cadence)
        provider, model, version = rng.choice(MODELS)
        exceptions = []
        if rng.random() < 0.15:
            expires = today + dt.timedelta(days=rng.randint(-10, 90))
            exceptions.append({"requirement": "security_review", "ticket": f"GOV-{rng.randint(1000, 9999)}",
                               "expires": expires.isoformat(), "reason": "Pen test booked.", "active": expires >= today,
                               "valid": expires >= today, "used": True})
        assets.append({
            "name": f"asset-{i}",
            "path": f"services/asset-{i}/ai-asset.yaml",
            "description": "Generated asset.",
            "tier": tier, "effective_tier": effective, "stage": stage,
            "owner": {"name": owner, "email": owner.lower().replace(" ", ".") + "@example.com", "team": "team-a", "github": None},
            "business_owner": {"name": rng.choice(OWNERS), "email": "bo@example.com", "team": None, "github": None},
            "risk": {"customer_facing": False, "regulated": False, "autonomy": "human-in-the-loop", "decisions_about_people": False},
            "models": [{"provider": provider, "name": model, "version": version}],
            "data_sources": [{"name": "tickets", "classification": "confidential", "personal_data": rng.random() < 0.4}],
            "evals": [{"name": "quality", "category": None, "results": f"services/asset-{i}/evals/q.json", "format": "prodgate",
                       "model": None, "run_at": None, "outcome": "passed" if passed else "failed", "rules": [],
                       "metrics": [{"name": "pass_rate", "value": 0.93 if passed else 0.71, "threshold": ">= 0.9", "passed": passed}]}],
            "gate": {"passed": passed, "errors": 0 if passed else rng.randint(1, 4), "warnings": rng.randint(0, 2), "waived": 0},
            "exceptions": exceptions,
            "review": {"last_reviewed": last.isoformat(), "cadence_days": cadence, "next_due": due.isoformat(), "overdue": due < today},
            "requirements": {"model_card": "met"},
            "tools": [], "mcp_servers": [], "agent_effect": None,
            "not_codeowner": None,
        })
    return {
        "inventory_version": 1,
        "tool": {"name": "prodgate", "version": "0.1.0"},
        "repository": {"name": repo, "commit": commit},
        "generated_at": generated_at,
        "today": generated_at[:10],
        "gate": "merge",
        "policy": {"source": "builtin", "sha256": "0" * 64},
        "summary": {"assets": n_assets, "passed": sum(a["gate"]["passed"] for a in assets),
                    "failed": sum(not a["gate"]["passed"] for a in assets), "broken_declarations": 0, "undeclared": undeclared},
        "assets": assets,
        "broken_declarations": [],
        "undeclared": [{"path": f"scripts/tool{j}.py", "line": 3 + j, "kind": "sdk-import", "signature": "import openai",
                        "provider": "openai", "model": None} for j in range(undeclared)],
    }


def write_many(folder: Path, n: int, seed: int = 7, assets_per_repo: int = 5, days: int = 1) -> list[Path]:
    """``n`` inventory files of ``n // days`` repositories over ``days`` days."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    repos = max(1, n // days)
    out = []
    for i in range(n):
        day, r = divmod(i, repos)
        stamp = (dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC) + dt.timedelta(days=day, seconds=r)).isoformat()
        doc = inventory(f"acme/repo-{r:05d}", f"{i:040x}", stamp, rng.randint(1, 2 * assets_per_repo - 1), rng,
                        undeclared=rng.choice((0, 0, 0, 1, 2)))
        path = folder / f"inventory-{i:05d}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        out.append(path)
    return out
