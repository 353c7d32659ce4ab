import { openai } from '@ai-sdk/openai';
import { streamText, tool, convertToModelMessages, type UIMessage } from 'ai';
import { z } from 'zod';

export const maxDuration = 30;

export async function POST(req: Request) {
  const { messages }: { messages: UIMessage[] } = await req.json();

  const result = streamText({
    model: openai('gpt-4o'),
    messages: convertToModelMessages(messages),
    tools: {
      getWeather: tool({
        description: 'Get the weather in a location',
        inputSchema: z.object({ location: z.string() }),
        execute: async ({ location }) => ({ location, temperature: 21 }),
      }),
      createInvoice: tool({
        description: 'Create an invoice for the customer',
        inputSchema: z.object({ customerId: z.string(), amount: z.number() }),
        execute: async ({ customerId, amount }) => ({ id: 'inv_1', customerId, amount }),
      }),
    },
  });

  return result.toUIMessageStreamResponse();
}
