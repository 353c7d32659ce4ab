using System;
using Azure;
using Azure.AI.OpenAI;
using OpenAI.Chat;

namespace Acme.Support;

public sealed class ChatService
{
    private readonly ChatClient _chat = new AzureOpenAIClient(
        new Uri(Environment.GetEnvironmentVariable("AZURE_OPENAI_ENDPOINT")!),
        new AzureKeyCredential(Environment.GetEnvironmentVariable("AZURE_OPENAI_API_KEY")!))
        .GetChatClient("support-gpt4o");

    public string Reply(string ticket) => _chat.CompleteChat(ticket).Value.Content[0].Text;
}
