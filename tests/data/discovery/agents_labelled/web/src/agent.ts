import { Agent, run, tool, webSearchTool, MCPServerStdio } from '@openai/agents';
import { z } from 'zod';

import { db } from './db';

const cancelSubscription = tool({
  name: 'cancel_subscription',
  description: 'Cancel the customer subscription at the end of the period',
  parameters: z.object({ subscriptionId: z.string() }),
  async execute({ subscriptionId }) {
    await db.subscriptions.cancel(subscriptionId);
    return 'cancelled';
  },
});

export async function answer(question: string) {
  const git = new MCPServerStdio({
    name: 'Git',
    fullCommand: 'uvx mcp-server-git --repository .',
  });
  await git.connect();
  const agent = new Agent({
    name: 'Billing assistant',
    instructions: 'Answer billing questions.',
    tools: [cancelSubscription, webSearchTool()],
    mcpServers: [git],
  });
  return run(agent, question);
}
