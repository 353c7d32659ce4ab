"""The ``ai-asset.yaml`` declaration: models, loading and discovery of files."""
