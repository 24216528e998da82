// The command line, declared once. Parsing is pure: it returns what was asked, or the help text, or
// throws UsageError; main.ts decides what to run. Tested with argv arrays.

import yargs from 'yargs';
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { FREEPBX_ANCHORS } from '../pgp/anchors.js';
import { VERSION } from '../version.js';

export interface VerifyArgs {
  readonly command: 'verify';
  readonly modules: string[];
  readonly keys: string[];
  readonly anchors: string[];
  readonly engine: 'auto' | 'node' | 'wasm';
  readonly threads: number | 'auto';
  readonly json: boolean;
}

export type ParsedArgs = VerifyArgs | { readonly command: 'output'; readonly text: string };

const EPILOGUE = `Exit status: 0 every module verified, 1 some module failed verification, 2 usage or input error, 3 internal error.`;

function parser(argv: readonly string[]): Argv {
  return yargs([...argv])
    .scriptName('pbxsig')
    .usage('$0 <command> [options]\n\nVerify FreePBX module signatures (module.sig): fast, strict, FreePBX-compatible.')
    .command('verify [modules..]', 'verify FreePBX module directories against their module.sig', (y) =>
      y
        .usage(
          '$0 verify MODULE_DIR... [options]\n\n' +
            'Checks that each module.sig is signed by a key certified by a FreePBX master key (or your --anchor),\n' +
            'that neither is revoked or expired, and that every file it lists still has the signed SHA-256.\n' +
            'Keys come from --keys and, for a module inside an installation, <webroot>/admin/libraries/BMO/*.key.',
        )
        .positional('modules', { describe: 'module directories (each with a module.sig)', type: 'string', array: true })
        .option('keys', { alias: 'k', describe: 'public key file or directory (.asc .key .gpg, pubring.gpg); repeatable', type: 'string', array: true, default: [], requiresArg: true })
        .option('anchor', { describe: 'trusted master key: a fingerprint or a public key file; repeatable (default: FreePBX master keys)', type: 'string', array: true, requiresArg: true })
        .option('engine', { describe: 'hashing engine', choices: ['auto', 'node', 'wasm'], default: 'auto' })
        .option('threads', { alias: 'j', describe: 'hashing threads: a number (0 = main thread) or "auto"', type: 'string', default: 'auto', requiresArg: true })
        .option('json', { describe: 'print the report as JSON (schema: docs/report-schema.md)', type: 'boolean', default: false })
        .example('$0 verify /var/www/html/admin/modules/core', 'one installed module, with its installation\'s keys')
        .example('$0 verify mods/* -k keys/ --anchor master.asc --json', 'several modules, your keys and anchor, JSON')
        .epilogue(EPILOGUE),
    )
    .demandCommand(1, 'name a command: pbxsig verify MODULE_DIR...')
    .strict()
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false);
}

export async function parseArgs(argv: readonly string[]): Promise<ParsedArgs> {
  const { error, args, output } = await new Promise<{ error: Error | undefined; args: Record<string, unknown>; output: string }>((resolve) => {
    // With a parse callback yargs neither prints nor exits: help, version and errors come back here.
    void parser(argv).parse([...argv], {}, (err: Error | undefined, parsed: Record<string, unknown>, out: string) => {
      resolve({ error: err ?? undefined, args: parsed, output: out });
    });
  });
  if (error) throw new UsageError(error.message);
  if (output !== '') return { command: 'output', text: output };
  return check(args);
}

/** Turns yargs' loose result into typed arguments, or throws UsageError. */
export function check(args: Record<string, unknown>): ParsedArgs {
  const [command] = args['_'] as unknown[];
  if (command !== 'verify') throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const threads = String(args['threads']);
  if (threads !== 'auto' && !/^\d+$/.test(threads)) throw new UsageError(`--threads: expected a number or "auto", got ${JSON.stringify(threads)}`);
  const anchors = (args['anchor'] as string[] | undefined) ?? [...FREEPBX_ANCHORS];
  const modules = ((args['modules'] as unknown[] | undefined) ?? []).filter((m) => m !== undefined).map(String);
  if (modules.length === 0) throw new UsageError('name at least one module directory: pbxsig verify MODULE_DIR...');
  return {
    command: 'verify',
    modules,
    keys: (args['keys'] as string[]).map(String),
    anchors: anchors.map(String),
    engine: args['engine'] as VerifyArgs['engine'],
    threads: threads === 'auto' ? 'auto' : Number.parseInt(threads, 10),
    json: args['json'] === true,
  };
}
