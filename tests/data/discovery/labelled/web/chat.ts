import OpenAI from "openai";
import { z } from "zod";

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

export async function reply(ticket: string): Promise<string> {
  const res = await client.chat.completions.create({
    model: "gpt-4o",
    messages: [{ role: "user", content: ticket }],
  });
  return res.choices[0]?.message?.content ?? "";
}
