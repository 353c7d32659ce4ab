import requests

URL = "https://api.openai.com/v1/chat/completions"


def call(key: str, body: dict) -> dict:
    return requests.post(URL, headers={"Authorization": f"Bearer {key}"}, json=body, timeout=30).json()
