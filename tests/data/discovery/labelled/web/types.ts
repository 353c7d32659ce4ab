import type {
  ChatCompletion,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";

export function text(c: ChatCompletion): string {
  return c.choices.map((choice) => choice.message.content).join("\n");
}

export type Message = ChatCompletionMessageParam;
