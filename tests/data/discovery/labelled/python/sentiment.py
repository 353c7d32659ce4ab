from functools import lru_cache

from transformers import pipeline


@lru_cache(maxsize=1)
def classifier():
    return pipeline("sentiment-analysis")


def score(text: str) -> float:
    result = classifier()(text)[0]
    return result["score"] if result["label"] == "POSITIVE" else -result["score"]
