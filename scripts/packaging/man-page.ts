// pbxsig(1) in roff: the hand-written page (packaging/man/pbxsig.1.in) with its SYNOPSIS and
// COMMANDS made from the CLI's command table (src/cli/spec.ts), the same table the parser, the help
// and the completion are built from, so the page names every command and option the CLI has.
// Pure: data in, text out.

import type { CommandSpec, OptionSpec } from '../../src/cli/spec.js';

/** Escapes text for a roff line: backslashes, a leading dot or quote (a request), and option dashes. */
export function roffText(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/^([.'])/, '\\&$1')
    .replace(
      /(^|[\s(/[`|])(--?)(?=[A-Za-z0-9[])/g,
      (_m, before: string, dashes: string) => `${before}${'\\-'.repeat(dashes.length)}`,
    );
}

/** Text typed as it stands (options, commands): every dash a minus, so that it copies as typed. */
function literal(text: string): string {
  return roffText(text).replace(/(?<!\\)-/g, '\\-');
}

function bold(text: string): string {
  return `\\fB${literal(text)}\\fR`;
}

function italic(text: string): string {
  return `\\fI${literal(text)}\\fR`;
}

/** The option as the help shows it: `-k, --keys FILE|DIR`, `--json[=FILE]`, `--[no-]dotfiles`. */
export function optionHead(option: OptionSpec): string {
  const short = option.alias !== undefined ? `${bold(`-${option.alias}`)}, ` : '';
  const value = option.value ?? (option.kind === 'choice' ? (option.choices ?? []).join('|') : 'VALUE');
  switch (option.kind) {
    case 'flag':
      return `${short}${bold(`--${option.default === true ? `[no-]${option.name}` : option.name}`)}`;
    case 'output':
      return `${short}${bold(`--${option.name}`)}[=${italic(value)}]`;
    default:
      return `${short}${bold(`--${option.name}`)} ${italic(value)}`;
  }
}

function optionText(option: OptionSpec): string {
  const notes: string[] = [];
  if (option.required) notes.push('required');
  if (option.default !== undefined && option.kind !== 'flag') notes.push(`default: ${String(option.default)}`);
  return roffText(notes.length > 0 ? `${option.describe} (${notes.join('; ')})` : option.describe);
}

function usageOf(spec: CommandSpec): { line: string; paragraphs: string[] } {
  const [line = '', ...paragraphs] = spec.usage.replace(/\$0/g, 'pbxsig').split('\n\n');
  return { line, paragraphs };
}

/** `pbxsig keys generate --name NAME ...`: the command's words bold, the rest as written. */
function synopsisLine(spec: CommandSpec): string {
  const { line } = usageOf(spec);
  const words = `pbxsig ${spec.name}`;
  return line.startsWith(words) ? `${bold(words)}${roffText(line.slice(words.length))}` : roffText(line);
}

function renderCommand(spec: CommandSpec): string[] {
  const { line, paragraphs } = usageOf(spec);
  const lines = [`.SS ${roffText(line)}`, roffText(spec.summary.replace(/^./, (c) => c.toUpperCase())) + '.'];
  for (const paragraph of paragraphs) lines.push('.PP', roffText(paragraph));
  if (spec.positionals.length > 0) {
    lines.push('.PP', 'Arguments:');
    for (const positional of spec.positionals)
      lines.push('.TP', italic(positional.label), roffText(positional.describe));
  }
  const groups = new Map<string, OptionSpec[]>();
  for (const option of spec.options) {
    if (option.hidden) continue;
    const group = option.group ?? 'Options:';
    groups.set(group, [...(groups.get(group) ?? []), option]);
  }
  for (const [group, options] of groups) {
    lines.push('.PP', roffText(group));
    for (const option of options) lines.push('.TP', optionHead(option), optionText(option));
  }
  if (spec.examples && spec.examples.length > 0) {
    lines.push('.PP', 'Examples:');
    for (const [command, meaning] of spec.examples)
      lines.push('.TP', bold(command.replace(/\$0/g, 'pbxsig')), meaning === '' ? '\\&' : roffText(meaning));
  }
  lines.push('.PP', roffText(spec.epilogue));
  return lines;
}

/** The page: `template` with `@SYNOPSIS@`, `@COMMANDS@`, `@VERSION@` and `@DATE@` replaced. */
export function renderManPage(
  template: string,
  commands: readonly CommandSpec[],
  facts: { readonly version: string; readonly date: string },
): string {
  const synopsis = commands.flatMap((spec) => ['.PP', synopsisLine(spec)]);
  const filled = template
    .replace('@SYNOPSIS@', synopsis.join('\n'))
    .replace('@COMMANDS@', commands.flatMap(renderCommand).join('\n'))
    .replace(/@VERSION@/g, facts.version)
    .replace(/@DATE@/g, facts.date);
  const left = /@[A-Z]+@/.exec(filled);
  if (left) throw new Error(`man page template: ${left[0]} was not filled in`);
  return filled;
}
