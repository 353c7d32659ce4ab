import ollama


def answer(question: str) -> str:
    reply = ollama.chat(model="qwen2.5:7b-instruct", messages=[{"role": "user", "content": question}])
    return reply["message"]["content"]
