// English counts for reports and messages: "1 module", "2 modules".

/** `word`, with an s unless `n` is 1. */
export function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** `n` and `word` in agreement: "1 installation", "3 installations". */
export function counted(n: number, word: string): string {
  return `${n} ${plural(n, word)}`;
}
