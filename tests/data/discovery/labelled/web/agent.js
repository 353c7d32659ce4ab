const Anthropic = require('@anthropic-ai/sdk');
const { readFileSync } = require('node:fs');

const client = new Anthropic();

async function run(path) {
  const prompt = readFileSync(path, 'utf8');
  const msg = await client.messages.create({ model: 'claude-3-haiku-20240307', max_tokens: 256, messages: [{ role: 'user', content: prompt }] });
  return msg.content[0].text;
}

module.exports = { run };
