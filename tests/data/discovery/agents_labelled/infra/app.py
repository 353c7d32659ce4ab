"""Deploy helper: runs shell tools, calls no model."""
import subprocess


def run(tools: list[str]) -> None:
    for t in tools:
        subprocess.run([t, "--version"], check=False)


run(tools=["terraform", "kubectl"])
