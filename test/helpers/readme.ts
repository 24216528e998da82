// The README's shell blocks that are meant to run: a block marked by an HTML comment starting with
// "tested" on the line before its ```sh fence. Each command's expected exit status is 0 unless its
// comment says "exit N" (`pbxsig verify ... # exit 1: revoked`). Pure: text in, commands out.

export interface ReadmeCommand {
  /** Line number in the README (1-based) where the command starts. */
  readonly line: number;
  /** The command as a shell runs it (continuation lines joined, the comment removed). */
  readonly command: string;
  readonly expectedStatus: number;
}

export interface ReadmeBlock {
  /** The heading the block sits under. */
  readonly heading: string;
  readonly line: number;
  readonly commands: readonly ReadmeCommand[];
}

const MARKER = /^<!--\s*tested\b.*-->\s*$/;

/** Splits a shell line into its command and its trailing comment (a # outside quotes, after a space). */
export function splitComment(line: string): { command: string; comment: string } {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      return { command: line.slice(0, i).trimEnd(), comment: line.slice(i + 1).trim() };
    }
  }
  return { command: line.trimEnd(), comment: '' };
}

export function testedBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const title = /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (title !== undefined) heading = title;
    if (!MARKER.test(line)) continue;
    if (lines[i + 1] !== '```sh')
      throw new Error(`README line ${i + 1}: a "tested" marker must stand right before a \`\`\`sh block`);
    const commands: ReadmeCommand[] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j] !== '```'; j++) {
      const start = j;
      let text = lines[j] ?? '';
      while (text.endsWith('\\') && j + 1 < lines.length) text = `${text.slice(0, -1)}${lines[++j] ?? ''}`;
      const { command, comment } = splitComment(text);
      if (command.trim() === '') continue;
      const status = /^exit (\d+)\b/.exec(comment)?.[1];
      commands.push({ line: start + 1, command: command.trim(), expectedStatus: status ? Number(status) : 0 });
    }
    if (j >= lines.length) throw new Error(`README line ${i + 2}: the tested block is not closed`);
    blocks.push({ heading, line: i + 2, commands });
    i = j;
  }
  return blocks;
}
