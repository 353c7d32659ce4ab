from dataclasses import dataclass

from pydantic_ai import Agent, RunContext
from pydantic_ai.mcp import MCPServerStdio


@dataclass
class Deps:
    customer_id: int


run_python = MCPServerStdio("deno", args=["run", "-N", "-R=node_modules", "jsr:@pydantic/mcp-run-python", "stdio"])

support_agent = Agent(
    "openai:gpt-4o",
    deps_type=Deps,
    system_prompt="You are a support agent in our bank.",
    toolsets=[run_python],
)


@support_agent.tool
async def customer_balance(ctx: RunContext[Deps], include_pending: bool) -> float:
    """Return the customer's current account balance."""
    return 123.45


@support_agent.tool_plain
def block_card(card_id: str) -> str:
    """Block a payment card."""
    return "blocked"
