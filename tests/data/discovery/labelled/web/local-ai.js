import ai from './ai';
import { helpers } from "./lib/openai";
const utils = require("ai-utils");

export const run = () => ai.run(helpers, utils);
