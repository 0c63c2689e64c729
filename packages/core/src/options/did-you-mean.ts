/**
 * The known name `given` is most likely a misspelling of, for an "unknown option" message: the
 * closest by edit distance (a letter added, dropped, changed or two swapped), within 1 edit for a
 * name of up to 4 letters and 2 beyond, or the same name in another case; `undefined` when none is
 * that close, since a far-fetched suggestion misleads more than none.
 *
 * @example
 * didYouMean('timout', ['timeout', 'retry']); // 'timeout'
 * didYouMean('colour', ['timeout', 'retry']); // undefined
 */
export function didYouMean(given: string, known: readonly string[]): string | undefined {
  const limit = given.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance =
      name.toLowerCase() === given.toLowerCase() ? 0 : editDistance(given.toLowerCase(), name.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

// Optimal string alignment distance: Levenshtein plus the swap of two neighbours (`tiemout`).
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, rows[i - 2]![j - 2]! + 1);
      }
      row.push(distance);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
