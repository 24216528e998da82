// "Did you mean": the closest known name to a mistyped one. Pure.

/** The candidate closest to `typed`, when it is close enough to be what was meant. */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  // A beginning that names one candidate only ("comp") is that one.
  const lower = typed.toLowerCase();
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(lower));
  if (typed.length >= 2 && prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A third of the word may be wrong (at least one letter).
  const limit = Math.max(1, Math.floor(typed.length / 3));
  return bestDistance <= limit ? best : undefined;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours
// ("verfiy") each cost one.
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const above = rows[i - 1] as number[];
      let value = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] ?? 0) + 1);
      row.push(value);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] ?? 0;
}
