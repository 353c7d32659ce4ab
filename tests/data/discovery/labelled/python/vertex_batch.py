"""Nightly batch classification on Vertex AI."""
import json
import sys

from vertexai.generative_models import GenerativeModel, Part


def main(path: str) -> int:
    model = GenerativeModel(model_name=sys.argv[2] if len(sys.argv) > 2 else "default")
    with open(path) as fh:
        for line in fh:
            record = json.loads(line)
            print(model.generate_content([Part.from_text(record["text"])]).text)
    return 0
