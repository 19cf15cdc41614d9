export function f(g: () => void): number {
  try {
    g();
    return 0;
  } catch (e) {
    if (e instanceof TypeError) return 1;
    throw e;
  }
}
