export const cwd = (): string => process.cwd();
