"""A notes server: lets an assistant read and append to the team's notes."""

from pathlib import Path

from mcp.server.fastmcp import FastMCP

NOTES = Path("/srv/notes")

mcp = FastMCP("notes", instructions="Team notes")


@mcp.tool()
def read_note(name: str) -> str:
    """Read a note."""
    return (NOTES / name).read_text()


@mcp.tool(name="append_note", description="Append a line to a note")
def append(name: str, line: str) -> str:
    with (NOTES / name).open("a") as f:
        f.write(line + "\n")
    return "ok"


@mcp.resource("notes://{name}")
def note_resource(name: str) -> str:
    return read_note(name)


if __name__ == "__main__":
    mcp.run()
