/**
 * A JSON array written in pieces, a run of its items at a time: the same text as
 * `JSON.stringify([...all items], null, 2)`, without ever holding it whole (a listing of every
 * coding of a big study is longer than the longest string JavaScript can hold).
 *
 * Each run is stringified as an array and its brackets taken off: what is left is its items,
 * indented one level and a comma and line break apart, exactly as inside the whole array.
 */
export function* jsonArrayPieces(runs: Iterable<readonly unknown[]>): Generator<string> {
  let first = true;
  for (const run of runs) {
    if (run.length === 0) continue;
    const text = JSON.stringify(run, null, 2);
    // "[\n  item,\n  item\n]": the items, without the brackets and the line breaks next to them.
    const items = text.slice(2, -2);
    yield first ? `[\n${items}` : `,\n${items}`;
    first = false;
  }
  yield first ? '[]' : '\n]';
}

/**
 * An object whose last key holds such an array, in pieces: `JSON.stringify({ ...head, [key]: items }, null, 2)`
 * with the array written a run at a time. `head` is written whole (it must be small).
 */
export function* jsonObjectPieces(head: Record<string, unknown>, key: string, runs: Iterable<readonly unknown[]>): Generator<string> {
  const start = JSON.stringify({ ...head, [key]: [] }, null, 2);
  // "{\n  ...,\n  "key": []\n}": everything up to the empty array, then the array indented one level.
  yield start.slice(0, -'[]\n}'.length);
  for (const piece of jsonArrayPieces(runs)) yield piece.replace(/\n/g, '\n  ');
  yield '\n}';
}
