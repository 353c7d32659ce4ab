from typing import Annotated

from langchain_community.tools import DuckDuckGoSearchRun
from langchain_community.tools.shell.tool import ShellTool
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from langgraph.prebuilt import create_react_agent


@tool
def open_ticket(title: Annotated[str, "The ticket's title"]) -> str:
    """Open a ticket in the tracker."""
    return "T-42"


llm = ChatOpenAI(model="gpt-4o-mini", temperature=0)
tools = [DuckDuckGoSearchRun(), ShellTool(), open_ticket]
graph = create_react_agent(llm, tools=tools)
