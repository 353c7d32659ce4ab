import { HfInference } from '@huggingface/inference';

const hf = new HfInference(process.env.HF_TOKEN);

export const translate = (text) => hf.translation({ model: 't5-base', inputs: text });
