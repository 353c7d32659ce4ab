using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

var builder = Kernel.CreateBuilder();
var kernel = builder.Build();
Console.WriteLine(await kernel.InvokePromptAsync("Plan the week"));
