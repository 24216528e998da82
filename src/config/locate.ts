// Where a key sits in a TOML text, so that a message about a value names its line. The TOML parser
// returns values without positions; this scan finds the line each key is defined on, which is all a
// message needs. Pure, and only ever used for messages: a key it cannot place is named without a line.

/**
 * The line (1-based) of each key a TOML text defines, by its path: `threads`, `allow[0]` (the line of
 * the first `[[allow]]` header), `allow[0].sha256`. The first definition counts.
 */
export function keyLines(text: string): ReadonlyMap<string, number> {
  const lines = new Map<string, number>();
  const tables = new Map<string, number>();
  let table = '';
  // The closing delimiter of a multi-line string the scan is inside: its lines define nothing.
  let inString: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (inString !== undefined) {
      if (closes(raw, inString)) inString = undefined;
      return;
    }
    const trimmed = raw.trim();
    const array = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(trimmed);
    if (array) {
      const name = unquote(array[1] as string);
      const index = tables.get(name) ?? 0;
      tables.set(name, index + 1);
      table = `${name}[${index}]`;
      remember(lines, table, line);
      return;
    }
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(trimmed);
    if (header) {
      table = unquote(header[1] as string);
      remember(lines, table, line);
      return;
    }
    const assignment = /^("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(trimmed);
    if (!assignment) return;
    const key = unquote(assignment[1] as string);
    remember(lines, table === '' ? key : `${table}.${key}`, line);
    const value = assignment[2] as string;
    for (const delimiter of ['"""', "'''"]) {
      if (value.startsWith(delimiter) && !closes(value.slice(3), delimiter)) inString = delimiter;
    }
  });
  return lines;
}

/** The line of `path`, or of the closest enclosing key that has one (`allow[1].sha256`, `allow[1]`, `allow`). */
export function lineOf(lines: ReadonlyMap<string, number>, path: string): number | undefined {
  let at: string | undefined = path;
  while (at !== undefined && at !== '') {
    const line = lines.get(at);
    if (line !== undefined) return line;
    at = parent(at);
  }
  return undefined;
}

function parent(path: string): string | undefined {
  if (path.endsWith(']')) return path.slice(0, path.lastIndexOf('['));
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : path.slice(0, dot);
}

function remember(lines: Map<string, number>, path: string, line: number): void {
  if (!lines.has(path)) lines.set(path, line);
}

function closes(text: string, delimiter: string): boolean {
  return text.includes(delimiter);
}

function unquote(key: string): string {
  return (key.startsWith('"') && key.endsWith('"')) || (key.startsWith("'") && key.endsWith("'"))
    ? key.slice(1, -1)
    : key;
}
