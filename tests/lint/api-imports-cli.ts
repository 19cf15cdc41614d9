import { Context } from '../cli/context.js';
export const C = Context;
