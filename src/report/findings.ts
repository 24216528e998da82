// A module's file findings in the order every report shows them, for the text and HTML renderers.

import type { FileFinding, ModuleReport } from './types.js';

export type FindingKind = 'altered' | 'missing' | 'unsafe' | 'unreadable' | 'unlisted' | 'unwalked';

export function findingGroups(module: ModuleReport): Array<readonly [FindingKind, readonly FileFinding[]]> {
  return [
    ['altered', module.files.altered],
    ['missing', module.files.missing],
    ['unsafe', module.files.unsafe],
    ['unreadable', module.files.unreadable],
    ['unlisted', module.unlisted?.code ?? []],
    // Places the unlisted-file walk could not look into: they fail the module like unlisted code.
    ['unwalked', module.unlisted?.notWalked ?? []],
  ];
}
