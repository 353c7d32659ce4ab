import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const client = new Client({ name: 'probe', version: '0.1.0' });

export async function probeRemote(): Promise<void> {
  const transport = new StreamableHTTPClientTransport(new URL('https://mcp.notion.com/mcp'));
  await client.connect(transport);
}

export async function probeLocal(): Promise<void> {
  const transport = new StdioClientTransport({
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-puppeteer'],
  });
  await client.connect(transport);
}
