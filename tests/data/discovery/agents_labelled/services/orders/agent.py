"""The order-support agent: answers customers and issues refunds."""

from __future__ import annotations

import asyncio

from agents import Agent, ModelSettings, Runner, function_tool
from agents.mcp import MCPServerStreamableHttp

from .db import fetch_order, record_refund


@function_tool
def lookup_order(order_id: str) -> dict:
    """Look an order up by its id."""
    return fetch_order(order_id)


@function_tool
def refund_order(order_id: str, amount_cents: int) -> str:
    """Refund part or all of an order."""
    record_refund(order_id, amount_cents)
    return "refunded"


async def main() -> None:
    async with MCPServerStreamableHttp(
        name="Shipping",
        params={"url": "https://shipping.internal.example.com/mcp"},
        cache_tools_list=True,
    ) as shipping:
        agent = Agent(
            name="Order support",
            instructions="Help customers with their orders. Refund only when policy allows.",
            model="gpt-4.1",
            model_settings=ModelSettings(tool_choice="auto"),
            tools=[lookup_order, refund_order],
            mcp_servers=[shipping],
        )
        result = await Runner.run(agent, "Where is order 1234?")
        print(result.final_output)


if __name__ == "__main__":
    asyncio.run(main())
