from . import openai as openai_settings
from .anthropic import render

openai_config = {"enabled": False}
label = "OpenAI compatible endpoint, gpt-4o class"


def show() -> str:
    return render(openai_settings.TITLE)
