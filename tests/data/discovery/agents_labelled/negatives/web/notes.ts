// To add a server later:
// import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
// const server = new McpServer({ name: 'notes', version: '1.0.0' });
export const help = "new McpServer({ name: 'demo' }) registers tools with server.tool('x', ...)";
