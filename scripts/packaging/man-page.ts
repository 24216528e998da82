// pbxsig(1) in roff: the hand-written page (packaging/man/pbxsig.1.in) with its SYNOPSIS and
// COMMANDS made from the CLI's help (help.ts), so the page names every command and option the CLI has.
// Pure: text in, text out.

import type { HelpOption, HelpPage } from './help.js';

/** Escapes text for a roff line: backslashes, and a leading dot or quote that roff would take as a request. */
export function roffText(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/^([.'])/, '\\&$1')
    .replace(
      /(^|[\s(/])(--?)(?=[A-Za-z0-9])/g,
      (_m, before: string, dashes: string) => `${before}${'\\-'.repeat(dashes.length)}`,
    );
}

function bold(text: string): string {
  return `\\fB${roffText(text)}\\fR`;
}

function optionLine(option: HelpOption): string {
  const value =
    option.type === 'boolean' || option.type === 'count'
      ? ''
      : option.choices
        ? ' ' + option.choices.join('|')
        : ` ${valueName(option)}`;
  const names = [option.short, option.long].filter((n): n is string => n !== undefined).map(bold);
  return `${names.join(', ')}${value ? `\\fI${roffText(value)}\\fR` : ''}`;
}

// An option's value is named after the option, as GNU tools do (--root ROOT); the description says what it takes.
function valueName(option: HelpOption): string {
  return option.long.replace(/^--/, '').toUpperCase().replace(/-/g, '_');
}

function optionDetails(option: HelpOption): string {
  const notes: string[] = [];
  if (option.required) notes.push('required');
  if (option.default !== undefined && option.default !== '[]' && option.default !== 'false')
    notes.push(`default: ${option.default.replace(/^"(.*)"$/, '$1')}`);
  return roffText(option.description + (notes.length > 0 ? ` (${notes.join('; ')})` : ''));
}

// The usage after the command's own words: "[MODULE_DIR...] [options]".
function usageTail(page: HelpPage): string {
  const words = page.usage.split(/\s+/).slice(1);
  const own = page.path.every((w, i) => words[i] === w) ? words.slice(page.path.length) : words;
  const tail = own.join(' ');
  return tail === '' ? '[options]' : tail;
}

function renderCommand(page: HelpPage, program: string): string[] {
  const lines = [`.SS ${roffText(`${program} ${page.path.join(' ')} ${usageTail(page)}`)}`];
  if (page.description) lines.push(roffText(page.description));
  // Section titles are shown when there is more than one kind of option ("Installation:", "Options:").
  const titled = page.sections.filter((s) => s.title !== 'Positionals').length > 1;
  for (const section of page.sections) {
    const options = section.options.filter((o) => o.long !== '--help' && o.long !== '--version');
    if (options.length === 0) continue;
    if (section.title === 'Positionals' || titled) lines.push('.PP', `${roffText(section.title)}:`);
    for (const option of options) {
      const head =
        section.title === 'Positionals' ? `\\fI${roffText(option.long.toUpperCase())}\\fR` : optionLine(option);
      lines.push('.TP', head, optionDetails(option));
    }
  }
  if (page.examples.length > 0) {
    lines.push('.PP', 'Examples:');
    for (const example of page.examples) lines.push('.TP', bold(example.command), roffText(example.meaning));
  }
  if (page.epilogue) lines.push('.PP', roffText(page.epilogue));
  return lines;
}

/**
 * The page: `template` with `@SYNOPSIS@`, `@COMMANDS@`, `@VERSION@` and `@DATE@` replaced. Commands
 * that only group others (`keys`) are listed through their subcommands.
 */
export function renderManPage(
  template: string,
  pages: readonly HelpPage[],
  facts: { version: string; date: string },
): string {
  const program = 'pbxsig';
  const runnable = pages.filter((p) => p.path.length > 0 && p.commands.length === 0);
  const synopsis = runnable.flatMap((p) => [
    '.PP',
    `${bold(`${program} ${p.path.join(' ')}`)} ${roffText(usageTail(p))}`,
  ]);
  const commands = runnable.flatMap((p) => renderCommand(p, program));
  const filled = template
    .replace('@SYNOPSIS@', synopsis.join('\n'))
    .replace('@COMMANDS@', commands.join('\n'))
    .replace(/@VERSION@/g, facts.version)
    .replace(/@DATE@/g, facts.date);
  const left = /@[A-Z]+@/.exec(filled);
  if (left) throw new Error(`man page template: ${left[0]} was not filled in`);
  return filled;
}
