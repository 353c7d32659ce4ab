"""Inventory of a workshop's tools; nothing to do with models."""

from dataclasses import dataclass


@dataclass
class Tool:
    name: str
    effect: str = "write"


def tool(fn):
    """Register a workshop routine."""
    return fn


@tool
def sharpen(blade: str) -> str:
    return blade


class Bench:
    def __init__(self, tools: list[Tool]) -> None:
        self.tools = tools


bench = Bench(tools=[Tool("ShellTool"), Tool("saw")])
