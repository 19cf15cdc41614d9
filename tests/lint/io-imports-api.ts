import { report } from '../api/report.js';
export const r = report;
