// A bash completion script for pbxsig, made from the CLI's help (help.ts): commands, subcommands,
// each command's options, the values of options with choices, and file names for everything else.
// It is static (no pbxsig process runs at each Tab) and needs only bash itself. Pure: text out.

import type { HelpOption, HelpPage } from './help.js';
import { takesValue } from './help.js';

function quote(words: readonly string[]): string {
  // Option names, command names and choices are plain words; anything else would be a bug in the CLI.
  for (const word of words)
    if (!/^[\w.:/@+-]+$/.test(word)) throw new Error(`completion: ${JSON.stringify(word)} is not a plain word`);
  return `'${words.join(' ')}'`;
}

function optionsOf(page: HelpPage): HelpOption[] {
  return page.sections.filter((s) => s.title !== 'Positionals').flatMap((s) => s.options);
}

export function renderBashCompletion(pages: readonly HelpPage[], program = 'pbxsig'): string {
  const fn = `_${program}`;
  const cases: string[] = [];
  for (const page of pages) {
    const key = page.path.join(' ');
    const options = optionsOf(page);
    const names = options.flatMap((o) => (o.short ? [o.long, o.short] : [o.long]));
    const valued = options.filter(takesValue).flatMap((o) => (o.short ? [o.long, o.short] : [o.long]));
    const choices = options.filter((o) => o.choices !== undefined);
    cases.push(
      `    ${JSON.stringify(key)})`,
      `      commands=${quote(page.commands.map((c) => c.path[c.path.length - 1] ?? ''))}`,
      `      options=${quote(names)}`,
      `      valued=${quote(valued)}`,
      ...choices.map(
        (o) =>
          `      [[ $prev == ${o.long}${o.short ? ` || $prev == ${o.short}` : ''} ]] && choices=${quote(o.choices ?? [])}`,
      ),
      '      ;;',
    );
  }
  return `# bash completion for ${program}: commands, options, choices, file names.
# Made by \`npm run build\` from ${program}'s own --help (scripts/packaging/completion.ts).

${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local path="" word i commands options valued choices="" skip=0
  # The command so far: the words before the cursor that name commands (options and their values
  # are skipped).
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    ${fn}_table "$path"
    if [[ $word == -* ]]; then
      [[ " $valued " == *" $word "* ]] && skip=1
    elif [[ " $commands " == *" $word "* ]]; then
      path=\${path:+$path }$word
    fi
  done
  ${fn}_table "$path"
  if [[ -n $choices ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$choices" -- "$cur")
  elif [[ " $valued " == *" $prev "* ]]; then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  elif [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
  elif [[ -n $commands ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
  else
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}

# Sets commands, options, valued (options that take a value) and choices for a command path.
${fn}_table() {
  commands="" options="" valued="" choices=""
  case "$1" in
${cases.join('\n')}
  esac
}

complete -F ${fn} ${program}
`;
}
