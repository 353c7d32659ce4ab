"""The JSON Schema of ``ai-asset.yaml``, generated from the models.

It is committed at ``schema/ai-asset.schema.json`` (a test fails on drift) so editors
and check-jsonschema use exactly what the gate enforces.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_ID = "https://prodgate.dev/schema/ai-asset.schema.json"


def schema_dict() -> dict[str, Any]:
    from prodgate.manifest.model import Asset

    schema = Asset.model_json_schema(by_alias=True, mode="validation")
    schema["$id"] = SCHEMA_ID
    return schema


def schema_json() -> str:
    return json.dumps(schema_dict(), indent=2, sort_keys=False) + "\n"
