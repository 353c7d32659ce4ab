import importlib


def load_backend(name: str):
    if name == "cohere":
        return importlib.import_module("cohere")
    raise ValueError(f"unknown backend {name}")
