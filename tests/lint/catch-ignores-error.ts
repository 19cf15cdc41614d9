export function f(g: () => void): void {
  try {
    g();
  } catch (e) {
    console.log('failed');
  }
}
