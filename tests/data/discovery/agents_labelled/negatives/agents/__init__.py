"""Sales agents (people) and their territories: the CRM's own module."""


class Agent:
    def __init__(self, name: str, tools: list[str] | None = None) -> None:
        self.name = name
        self.tools = tools or []


class Runnerup:
    pass
