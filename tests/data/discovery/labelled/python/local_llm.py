import os

import ollama

HOST = os.environ.get("LLM_URL", "http://localhost:11434")


def ask(question: str) -> str:
    client = ollama.Client(host=HOST)
    return client.chat(model="llama3.1:8b", messages=[{"role": "user", "content": question}])["message"]["content"]
