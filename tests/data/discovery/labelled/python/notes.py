"""Design notes.

We evaluated `import openai` and `from anthropic import Anthropic`, and
the model "claude-3-opus" against "gpt-4o"; see https://api.anthropic.com.
"""

# import openai
# client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"])


def nothing() -> None:
    """Calls no model; gpt-4o is mentioned only here."""
    return None
