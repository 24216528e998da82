// The CLI as its own help describes it: every command with its usage, description, options
// (type, choices, default) and examples. The man page and the shell completion are made from this, so
// they follow the CLI as it changes. Parsing is pure; collectHelp() asks the CLI itself.
//
// The help comes from the CLI's own parser with yargs' line wrapping turned off: each option is then
// one line, "  -k, --keys  description  [array] [default: []]", which parses exactly. (Wrapped help
// breaks words anywhere, so it cannot be put back together reliably.)

export interface HelpOption {
  /** "--keys" */
  readonly long: string;
  /** "-k", when there is one. */
  readonly short?: string;
  readonly description: string;
  /** yargs' type annotation: "string", "array", "boolean", "number"; absent with choices. */
  readonly type?: string;
  readonly choices?: readonly string[];
  /** The default as yargs prints it (JSON), when there is one. */
  readonly default?: string;
  readonly required: boolean;
}

export interface HelpSection {
  /** "Options", "Installation", "Positionals", ... */
  readonly title: string;
  readonly options: readonly HelpOption[];
}

export interface HelpPage {
  /** The words that run it: ["keys", "generate"]; [] for the program itself. */
  readonly path: readonly string[];
  /** The usage line, as printed ("pbxsig verify [MODULE_DIR...] [options]"). */
  readonly usage: string;
  readonly description: string;
  /** Subcommands: their words after the program name, and one line each. */
  readonly commands: ReadonlyArray<{ readonly path: readonly string[]; readonly summary: string }>;
  readonly sections: readonly HelpSection[];
  readonly examples: ReadonlyArray<{ readonly command: string; readonly meaning: string }>;
  readonly epilogue: string;
}

const SECTION_TITLE = /^([A-Z][A-Za-z ]*):$/;
// A row of a two-column block: the left column, then two or more spaces, then the rest.
const ROW = /^ {2}(\S.*?)(?: {2,}(.*))?$/;
const FLAGS = /^(?:(-[A-Za-z0-9]), +)?(--[A-Za-z0-9][\w-]*)$/;
const POSITIONAL = /^[a-z][\w-]*$/;
// yargs' annotations after a description: [string] [choices: "a", "b"] [default: "x"] [required]
// (a default may itself hold brackets: [default: []]).
const ANNOTATIONS = /(?:^| {2})((?:\[(?:[^[\]]|\[[^\]]*\])*\] ?)+)$/;

/** Parses one help text (yargs' output with wrapping turned off). */
export function parseHelp(text: string, path: readonly string[], program: string): HelpPage {
  const blocks = text.replace(/\s+$/, '').split(/\n\n+/);
  const [usage = '', ...rest] = blocks;
  const commands: Array<{ path: string[]; summary: string }> = [];
  const sections: HelpSection[] = [];
  const examples: Array<{ command: string; meaning: string }> = [];
  const prose: string[] = [];
  for (const block of rest) {
    const [first = '', ...lines] = block.split('\n');
    const title = SECTION_TITLE.exec(first)?.[1];
    if (title === undefined) {
      prose.push(block.replace(/\s*\n\s*/g, ' ').trim());
      continue;
    }
    if (title === 'Commands') {
      for (const line of lines) {
        const [, left = '', summary = ''] = ROW.exec(line) ?? [];
        const words = left.split(/\s+/).filter((w) => w !== program && !/^[<[]/.test(w));
        commands.push({ path: words, summary: summary.trim() });
      }
    } else if (title === 'Examples') {
      for (const line of lines) {
        const [, command = '', meaning = ''] = ROW.exec(line) ?? [];
        examples.push({ command: command.trim(), meaning: meaning.trim() });
      }
    } else {
      sections.push({ title, options: lines.map((line) => parseOption(line, title)) });
    }
  }
  // Text between the usage line and the first section is the description; text after the sections
  // is the epilogue.
  const firstSection = rest.findIndex((b) => SECTION_TITLE.test(b.split('\n')[0] ?? ''));
  const description = firstSection === -1 ? prose.join('\n\n') : prose.slice(0, firstSection).join('\n\n');
  const epilogue = firstSection === -1 ? '' : prose.slice(firstSection).join('\n\n');
  return { path, usage: usage.split('\n')[0]?.trim() ?? '', description, commands, sections, examples, epilogue };
}

function parseOption(line: string, section: string): HelpOption {
  const [, left = '', right = ''] = ROW.exec(line.replace(/^ {6}--/, '  --')) ?? [];
  const flags = FLAGS.exec(left.trim());
  const positional = section === 'Positionals' && POSITIONAL.test(left.trim());
  if (!flags && !positional) throw new Error(`help: cannot read the option line ${JSON.stringify(line)}`);
  const annotations = ANNOTATIONS.exec(right)?.[1] ?? '';
  const description = right.slice(0, right.length - annotations.length).trim();
  const tags = [...annotations.matchAll(/\[((?:[^[\]]|\[[^\]]*\])*)\]/g)].map((m) => m[1] ?? '');
  const choices = tags.find((t) => t.startsWith('choices: '));
  const defaultTag = tags.find((t) => t.startsWith('default: '));
  const type = tags.find((t) => /^(string|array|boolean|number|count)$/.test(t));
  return {
    long: flags ? (flags[2] as string) : left.trim(),
    ...(flags?.[1] ? { short: flags[1] } : {}),
    description,
    ...(type ? { type } : {}),
    ...(choices ? { choices: [...choices.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '') } : {}),
    ...(defaultTag ? { default: defaultTag.slice('default: '.length) } : {}),
    required: tags.includes('required'),
  };
}

/** Options that take a value (not a switch): what a completion offers a file or a choice for. */
export function takesValue(option: HelpOption): boolean {
  return option.type !== 'boolean' && option.type !== 'count';
}

/** Every page of the CLI, the program's first, then each command's (depth first). */
export async function collectHelp(help: (argv: string[]) => Promise<string>, program: string): Promise<HelpPage[]> {
  const pages: HelpPage[] = [];
  const visit = async (path: string[]): Promise<void> => {
    const page = parseHelp(await help([...path, '--help']), path, program);
    pages.push(page);
    for (const command of page.commands) await visit([...command.path]);
  };
  await visit([]);
  return pages;
}
