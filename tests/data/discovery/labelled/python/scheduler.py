from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Task:
    name: str
    model: str = "default"
    retries: int = 3


@dataclass
class Agent:
    """A support agent (a person) and the tasks assigned to them."""

    name: str
    tasks: list[Task] = field(default_factory=list)

    def assign(self, task: Task) -> None:
        self.tasks.append(task)


class ModelRegistry:
    models: dict[str, str] = {"gpt": "guid partition table", "llm": "lease ledger"}
