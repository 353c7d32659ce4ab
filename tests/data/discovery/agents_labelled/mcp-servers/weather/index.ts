#!/usr/bin/env node
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const NWS_API_BASE = 'https://api.weather.gov';

const server = new McpServer({
  name: 'weather',
  version: '1.0.0',
});

server.registerTool(
  'get_alerts',
  {
    title: 'Weather alerts',
    description: 'Get weather alerts for a state',
    inputSchema: { state: z.string().length(2) },
  },
  async ({ state }) => {
    const res = await fetch(`${NWS_API_BASE}/alerts?area=${state}`);
    return { content: [{ type: 'text', text: await res.text() }] };
  },
);

server.tool('get_forecast', 'Get the forecast for a location', { latitude: z.number(), longitude: z.number() }, async () => ({
  content: [{ type: 'text', text: 'sunny' }],
}));

async function main() {
  const transport = new StdioServerTransport();
  await server.connect(transport);
}

main().catch((error) => {
  console.error('Fatal error in main():', error);
  process.exit(1);
});
