import asyncio

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.teams import RoundRobinGroupChat
from autogen_ext.models.openai import OpenAIChatCompletionClient
from autogen_ext.tools.mcp import StdioServerParams, mcp_server_tools


async def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return f"Sunny in {city}"


async def main() -> None:
    fetch = StdioServerParams(command="uvx", args=["mcp-server-fetch"])
    fetch_tools = await mcp_server_tools(fetch)
    model = OpenAIChatCompletionClient(model="gpt-4o")
    agent = AssistantAgent("assistant", model_client=model, tools=[get_weather])
    team = RoundRobinGroupChat([agent], max_turns=3)
    await team.run(task="Weather in Oslo?")


asyncio.run(main())
