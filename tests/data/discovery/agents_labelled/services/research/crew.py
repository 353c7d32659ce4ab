from crewai import Agent, Crew, Process, Task
from crewai.tools import tool
from crewai_tools import FileWriterTool, ScrapeWebsiteTool, SerperDevTool


@tool("Publish summary")
def publish_summary(text: str) -> str:
    """Post the summary to the team's channel."""
    return "posted"


search = SerperDevTool()
scrape = ScrapeWebsiteTool()

researcher = Agent(
    role="Senior researcher",
    goal="Find what changed in the market this week",
    backstory="You read fast and cite sources.",
    tools=[search, scrape],
    verbose=True,
)
writer = Agent(
    role="Writer",
    goal="Write a short brief",
    backstory="You write plainly.",
    tools=[FileWriterTool(), publish_summary],
)

crew = Crew(
    agents=[researcher, writer],
    tasks=[Task(description="Research", expected_output="Notes", agent=researcher)],
    process=Process.sequential,
)
