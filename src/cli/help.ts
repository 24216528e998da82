// Help texts, rendered from the command table (spec.ts): the options a command's help lists are the
// options its parser accepts. Each option shows how it takes its value (`--root DIR`, `--json[=FILE]`,
// `--no-dotfiles`). Pure: the width comes in.

import { VERSION } from '../version.js';
import { GROUPS, commandNamed, subcommandsOf, topLevelNames } from './spec.js';
import type { CommandSpec, OptionSpec } from './spec.js';

const HELP_OPTION: OptionSpec = { name: 'help', alias: 'h', kind: 'flag', describe: 'show this help' };

/** The help of one command. */
export function commandHelp(spec: CommandSpec, columns: number): string {
  const width = clampWidth(columns);
  const [usage = '', ...description] = spec.usage.replace(/\$0/g, 'pbxsig').split('\n\n');
  const out = [`Usage: ${usage}`, ''];
  for (const paragraph of description) out.push(...wrap(paragraph, width), '');
  if (spec.positionals.length > 0) {
    out.push('Arguments:');
    out.push(
      ...table(
        spec.positionals.map((p) => [p.label, p.describe]),
        width,
      ),
      '',
    );
  }
  const groups = new Map<string, OptionSpec[]>();
  for (const option of [...spec.options, HELP_OPTION]) {
    if (option.hidden) continue;
    const group = option.group ?? 'Options:';
    groups.set(group, [...(groups.get(group) ?? []), option]);
  }
  // One left column for every group, so that the groups line up.
  const labels = [...groups.values()].flat().map(optionLabel);
  const left = Math.min(Math.floor(width / 3), Math.max(...labels.map((l) => l.length)));
  for (const [group, options] of groups) {
    out.push(
      group,
      ...table(
        options.map((o) => [optionLabel(o), optionText(o)]),
        width,
        left,
      ),
      '',
    );
  }
  if (spec.examples && spec.examples.length > 0) {
    out.push('Examples:');
    out.push(
      ...table(
        spec.examples.map(([cmd, what]) => [cmd.replace(/\$0/g, 'pbxsig'), what]),
        width,
      ),
      '',
    );
  }
  out.push(...wrap(spec.epilogue, width));
  return out.join('\n');
}

/** `pbxsig --help`: the commands. */
export function topHelp(columns: number): string {
  const width = clampWidth(columns);
  const rows = topLevelNames().map((name): [string, string] => [
    name,
    GROUPS[name] ?? commandNamed(name)?.summary ?? '',
  ]);
  return [
    'Usage: pbxsig COMMAND [options]',
    '',
    ...wrap(
      `Verify FreePBX module signatures (module.sig): fast, strict, FreePBX-compatible. pbxsig ${VERSION}.`,
      width,
    ),
    '',
    'Commands:',
    ...table(rows, width),
    '',
    'Options:',
    ...table(
      [
        ['-h, --help', 'show this help'],
        ['-V, --version', 'print the version'],
      ],
      width,
    ),
    '',
    ...wrap("Run 'pbxsig COMMAND --help' for a command's options and exit status.", width),
  ].join('\n');
}

/** `pbxsig keys --help`: the subcommands of a group. */
export function groupHelp(group: string, columns: number): string {
  const width = clampWidth(columns);
  const rows = subcommandsOf(group).map((c): [string, string] => [c.name, c.summary]);
  return [
    `Usage: pbxsig ${group} COMMAND [options]`,
    '',
    'Commands:',
    ...table(rows, width),
    '',
    ...wrap(`Run 'pbxsig ${group} COMMAND --help' for its options.`, width),
  ].join('\n');
}

function clampWidth(columns: number): number {
  return Math.max(60, Math.min(100, columns || 80));
}

function optionLabel(option: OptionSpec): string {
  const short = option.alias !== undefined ? `-${option.alias}, ` : '    ';
  const value = option.value ?? (option.kind === 'choice' ? (option.choices ?? []).join('|') : 'VALUE');
  switch (option.kind) {
    case 'flag':
      return `${short}--${option.default === true ? `[no-]${option.name}` : option.name}`;
    case 'output':
      return `${short}--${option.name}[=${value}]`;
    default:
      return `${short}--${option.name} ${value}`;
  }
}

function optionText(option: OptionSpec): string {
  const notes: string[] = [];
  if (option.required) notes.push('required');
  if (option.default !== undefined && option.kind !== 'flag') notes.push(`default: ${String(option.default)}`);
  return notes.length > 0 ? `${option.describe} (${notes.join('; ')})` : option.describe;
}

// Two columns: the left as wide as its longest entry up to a third of the line; a longer entry puts
// its text on the next line.
function table(
  rows: ReadonlyArray<readonly [string, string]>,
  width: number,
  left = Math.min(Math.floor(width / 3), Math.max(...rows.map(([l]) => l.length))),
): string[] {
  const lines: string[] = [];
  for (const [label, text] of rows) {
    const indent = 2 + left + 2;
    const body = text === '' ? [] : wrap(text, width - indent);
    if (label.length > left) {
      lines.push(`  ${label}`);
      for (const line of body) lines.push(`${' '.repeat(indent)}${line}`);
      continue;
    }
    const [firstLine = '', ...more] = body;
    lines.push(`  ${label.padEnd(left)}  ${firstLine}`.trimEnd());
    for (const line of more) lines.push(`${' '.repeat(indent)}${line}`);
  }
  return lines;
}

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
