from smolagents import CodeAgent, DuckDuckGoSearchTool, InferenceClientModel, tool


@tool
def get_stock(symbol: str) -> float:
    """Get a stock's price.

    Args:
        symbol: The ticker.
    """
    return 1.0


agent = CodeAgent(tools=[DuckDuckGoSearchTool(), get_stock], model=InferenceClientModel())
agent.run("What is NVDA at?")
