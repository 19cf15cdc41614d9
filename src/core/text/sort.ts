/**
 * Natural order for ids: "P2" before "P10", "MS07" before "MS10". Digit runs compare by value,
 * everything else by code unit, so the order is the same on every machine (no locale).
 */
export function naturalCompare(a: string, b: string): number {
  if (a === b) return 0;
  // Runs of digits and of other code units, compared run by run in place (no list of runs made per
  // comparison: a sort of 3,000 documents made 70,000 of them).
  const la = a.length;
  const lb = b.length;
  let i = 0;
  let j = 0;
  while (i < la && j < lb) {
    const da = isDigit(a.charCodeAt(i));
    const db = isDigit(b.charCodeAt(j));
    let ie = i + 1;
    while (ie < la && isDigit(a.charCodeAt(ie)) === da) ie++;
    let je = j + 1;
    while (je < lb && isDigit(b.charCodeAt(je)) === db) je++;
    if (ie - i !== je - j || !sameUnits(a, i, b, j, ie - i)) {
      const x = a.slice(i, ie);
      const y = b.slice(j, je);
      if (da && db) {
        const d = Number(x) - Number(y);
        if (d !== 0) return d;
        return x.length - y.length;
      }
      return x < y ? -1 : 1;
    }
    i = ie;
    j = je;
  }
  return runs(a, i) - runs(b, j) || (a < b ? -1 : a > b ? 1 : 0);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function sameUnits(a: string, i: number, b: string, j: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a.charCodeAt(i + k) !== b.charCodeAt(j + k)) return false;
  return true;
}

/** How many runs of digits and of other units `s` has from `from` on. */
function runs(s: string, from: number): number {
  let n = 0;
  for (let k = from; k < s.length; k++) if (k === from || isDigit(s.charCodeAt(k)) !== isDigit(s.charCodeAt(k - 1))) n++;
  return n;
}
