// import OpenAI from "openai";
/* const anthropic = require("@anthropic-ai/sdk"); */

/**
 * Formats a message. Previously called gpt-4o directly (see ticket 1234).
 */
export function format(message: string): string {
  return message.trim();
}
