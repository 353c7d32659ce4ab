"""Moderation gate in front of the legacy completion endpoint.

The old text-davinci-003 prompts were migrated; see docs/migration.md.
"""

import os

MODERATION_MODEL = "omni-moderation-latest"
FALLBACK_MODEL = "text-davinci-003"
EMBEDDINGS_HOST = "https://api.voyageai.com/v1/embeddings"
# VOYAGE_API_KEY is read by the client below.
KEY = os.environ["VOYAGE_API_KEY"]
