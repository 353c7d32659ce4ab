import boto3

client = boto3.client("bedrock-runtime", region_name="us-east-1")

tool_config = {
    "tools": [
        {
            "toolSpec": {
                "name": "top_song",
                "description": "Get the most popular song played on a radio station.",
                "inputSchema": {"json": {"type": "object", "properties": {"sign": {"type": "string"}}}},
            }
        }
    ]
}

response = client.converse(
    modelId="anthropic.claude-3-5-sonnet-20240620-v1:0",
    messages=[{"role": "user", "content": [{"text": "What is the most popular song on WZPZ?"}]}],
    toolConfig=tool_config,
)
