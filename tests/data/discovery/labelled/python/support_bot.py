"""Support reply drafter: turns a ticket into a first reply for an agent to review."""
from __future__ import annotations

import logging
import os

import openai

log = logging.getLogger(__name__)
MODEL = "gpt-4o-mini"


def client() -> openai.OpenAI:
    return openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"], timeout=20)


def draft(ticket: str) -> str:
    response = client().chat.completions.create(
        model=MODEL,
        messages=[{"role": "system", "content": "You draft polite replies."},
                  {"role": "user", "content": ticket}],
        temperature=0.2,
    )
    log.info("drafted reply for ticket of %d chars", len(ticket))
    return response.choices[0].message.content or ""
