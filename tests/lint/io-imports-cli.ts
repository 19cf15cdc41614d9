import { main } from '../cli/run.js';
export const m = main;
