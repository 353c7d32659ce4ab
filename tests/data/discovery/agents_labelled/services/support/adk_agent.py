from google.adk.agents import LlmAgent
from google.adk.tools import google_search
from google.adk.tools.mcp_tool.mcp_toolset import McpToolset, StdioConnectionParams
from mcp import StdioServerParameters


def create_refund(order_id: str) -> dict:
    """Create a refund for an order."""
    return {"status": "ok"}


root_agent = LlmAgent(
    model="gemini-2.0-flash",
    name="support_agent",
    instruction="Help the customer.",
    tools=[
        create_refund,
        google_search,
        McpToolset(
            connection_params=StdioConnectionParams(
                server_params=StdioServerParameters(
                    command="npx",
                    args=["-y", "@modelcontextprotocol/server-google-maps"],
                ),
            ),
        ),
    ],
)
