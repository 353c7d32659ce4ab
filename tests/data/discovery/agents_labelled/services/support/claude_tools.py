import anthropic

client = anthropic.Anthropic()

response = client.messages.create(
    model="claude-sonnet-4-20250514",
    max_tokens=2048,
    tools=[
        {"type": "text_editor_20250429", "name": "str_replace_based_edit_tool"},
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
        {
            "name": "send_email",
            "description": "Send an e-mail to the customer.",
            "input_schema": {"type": "object", "properties": {"to": {"type": "string"}}},
        },
    ],
    messages=[{"role": "user", "content": "Fix the typo in README and tell the customer."}],
)
