"""The JSON Schema of ``ai-asset.yaml``, generated from the models.

It is committed at ``schema/ai-asset.schema.json`` (a test fails on drift) so editors
and check-jsonschema use exactly what the gate enforces.
"""

from __future__ import annotations

import json
from typing import Any

from prodgate import HOME, __version__

REPOSITORY = HOME.removeprefix("https://github.com/")
"""``owner/name`` of the project's repository (:data:`prodgate.HOME`)."""


def schema_url(version: str = __version__) -> str:
    """The committed schema in the project's repository at the tag of ``version``: the
    address every install of that version points editors at (the ``init`` modeline, the
    schema's ``$id``, the SchemaStore catalogue entry in ``schema/``)."""
    return f"https://raw.githubusercontent.com/{REPOSITORY}/v{version}/schema/ai-asset.schema.json"


SCHEMA_ID = schema_url()


def schema_dict() -> dict[str, Any]:
    from prodgate.manifest.pydantic_model import Asset

    schema = Asset.model_json_schema(by_alias=True, mode="validation")
    schema["$id"] = SCHEMA_ID
    return schema


def schema_json() -> str:
    return json.dumps(schema_dict(), indent=2, sort_keys=False) + "\n"
