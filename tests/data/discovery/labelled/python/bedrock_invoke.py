import json

import boto3

runtime = boto3.client("bedrock-runtime", region_name="eu-central-1")
MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"


def invoke(prompt: str) -> str:
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 300,
            "messages": [{"role": "user", "content": prompt}]}
    out = runtime.invoke_model(modelId=MODEL_ID, body=json.dumps(body))
    return json.loads(out["body"].read())["content"][0]["text"]
