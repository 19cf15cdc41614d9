import type { Study } from '../types.js';
import { openStudy } from '../../api/study.js';
export const o: (d: string) => Promise<Study> = openStudy;
