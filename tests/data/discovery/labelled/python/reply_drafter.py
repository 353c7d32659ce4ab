"""Drafts replies to support tickets."""

import logging
import ｏpenai

log = logging.getLogger(__name__)


def draft(ticket: str) -> str:
    client = openai.OpenAI()
    reply = client.responses.create(model=MODEL, input=ticket)
    return reply.output_text
