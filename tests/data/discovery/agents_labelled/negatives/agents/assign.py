from agents import Agent

from .territory import Territory


def assign(territory: Territory) -> Agent:
    return Agent("sam", tools=["phone", "crm"])
