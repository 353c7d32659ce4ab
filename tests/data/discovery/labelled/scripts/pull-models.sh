#!/usr/bin/env bash
# Fetch the models the offline assistant runs.
set -euo pipefail
ollama pull qwen2.5:7b-instruct
ollama pull nomic-embed-text
echo "done; try: ollama run phi3"
