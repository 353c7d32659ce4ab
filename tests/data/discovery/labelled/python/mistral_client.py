from mistralai import Mistral

client = Mistral(api_key=open("/run/secrets/mistral").read().strip())


def classify(text: str) -> str:
    res = client.chat.complete(model="mistral-small-latest", messages=[{"role": "user", "content": text}])
    return res.choices[0].message.content
