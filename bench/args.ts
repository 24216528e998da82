// The benchmark's command line, parsed with node:util's parseArgs (no hand-written parser): pure, so
// that tests hold it to its help text.

import { parseArgs } from 'node:util';

/** Every suite, in the order a full run runs them. */
export const SUITES = [
  'installation',
  'startup',
  'scaling',
  'audit',
  'signing',
  'large',
  'engines',
  'hostile',
  'fleet',
] as const;
export type Suite = (typeof SUITES)[number];

/** The installation suite's shapes (bench/shapes.ts). */
export const SHAPE_NAMES = ['freepbx17', 'freepbx16', 'freepbx14'] as const;
export type ShapeName = (typeof SHAPE_NAMES)[number];

export interface BenchArgs {
  readonly help: boolean;
  readonly quick: boolean;
  /** The suites to run, in SUITES order. */
  readonly suites: readonly Suite[];
  /** Whether --only chose them (a partial run). */
  readonly partial: boolean;
  /** The installation suite's shapes, in SHAPE_NAMES order. */
  readonly shapes: readonly ShapeName[];
  /** Write the results into bench/results/ (for the repository) instead of bench/results/local/. */
  readonly save: boolean;
}

export const HELP = `usage: npm run bench [-- OPTIONS]      (or: node dist/bench/run.js [OPTIONS], after npm run build)

Times pbxsig against FreePBX's own method (gpgv + sha256sum -c per module) and other peers, on
FreePBX installations generated in a temporary directory. Progress goes to stderr, the Markdown
summary to stdout.

Options:
  --quick               smaller trees and fewer rounds (a few minutes): checks that the suites work;
                        its figures are not the targets' (the summary says so)
  --only SUITE[,SUITE]  run only these suites (repeatable): ${SUITES.join(', ')}
  --shape NAME[,NAME]   the installation suite's shapes (repeatable; default all):
                        ${SHAPE_NAMES.join(', ')}
  --save                write the results to bench/results/ to commit them; without it they go to
                        bench/results/local/, which git ignores
  -h, --help            this text

Results: <date>[-quick][-only-SUITE+SUITE].json (every number), .md (the summary) and -<suite>.svg
(charts). \`npm run bench:charts -- FILE.json\` draws the charts and the summary again from a saved run.
`;

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        quick: { type: 'boolean', default: false },
        only: { type: 'string', multiple: true, default: [] },
        shape: { type: 'string', multiple: true, default: [] },
        save: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  const only = chosen(values.only, SUITES, 'suite');
  const shapes = chosen(values.shape, SHAPE_NAMES, 'shape');
  return {
    help: values.help,
    quick: values.quick,
    suites: only ?? SUITES,
    partial: only !== null,
    shapes: shapes ?? SHAPE_NAMES,
    save: values.save,
  };
}

/** The names given (comma lists, repeatable) in `known` order; null when none was given. */
function chosen<T extends string>(given: readonly string[], known: readonly T[], what: string): T[] | null {
  const names = given.flatMap((value) => value.split(',')).filter((name) => name !== '');
  if (names.length === 0)
    return given.length === 0 ? null : fail(`--${what === 'suite' ? 'only' : 'shape'} needs a name`);
  const unknown = names.filter((name) => !(known as readonly string[]).includes(name));
  if (unknown.length > 0)
    fail(`unknown ${what}${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return known.filter((name) => names.includes(name));
}

function fail(message: string): never {
  throw new BenchUsageError(message);
}
