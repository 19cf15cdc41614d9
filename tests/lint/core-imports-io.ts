import { writeFileAtomic } from '../../io/write.js';
export const w = writeFileAtomic;
