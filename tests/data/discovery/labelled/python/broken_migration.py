import openai

def migrate(rows:
    for row in rows
        yield openai.embeddings.create(input=row, model="text-embedding-3-small")
