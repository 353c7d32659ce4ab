import litellm

FALLBACKS = ["primary", "secondary"]


def complete(messages, model_group: str = "primary"):
    return litellm.completion(model=model_group, messages=messages, fallbacks=FALLBACKS)
