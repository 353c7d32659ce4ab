import { ChatOpenAI } from "@langchain/openai";
import { Document } from "@langchain/core/documents";

export const llm = new ChatOpenAI({ temperature: 0 });
export const seed = [new Document({ pageContent: "Refunds take five days." })];
