import asyncio

from langchain_mcp_adapters.client import MultiServerMCPClient
from langgraph.prebuilt import create_react_agent


async def main() -> None:
    client = MultiServerMCPClient(
        {
            "math": {
                "command": "python",
                "args": ["/opt/servers/math_server.py"],
                "transport": "stdio",
            },
            "weather": {
                "url": "http://localhost:8000/mcp/",
                "transport": "streamable_http",
            },
        }
    )
    tools = await client.get_tools()
    agent = create_react_agent("anthropic:claude-3-7-sonnet-latest", tools)
    await agent.ainvoke({"messages": "what's (3 + 5) x 12?"})


asyncio.run(main())
