from anthropic import Anthropic

SYSTEM = """You answer questions about claim status. Never promise payment dates."""


class ClaimsAgent:
    def __init__(self, client: Anthropic | None = None) -> None:
        self.client = client or Anthropic()

    def answer(self, question: str) -> str:
        message = self.client.messages.create(
            model="claude-3-5-sonnet-20241022",
            max_tokens=512,
            system=SYSTEM,
            messages=[{"role": "user", "content": question}],
        )
        return "".join(block.text for block in message.content)
