// `pbxsig verify`'s settings from the three places they come from: an option on the command line
// wins, then the configuration file (the last file that set it), then pbxsig's default. The report
// says which one each setting came from. Pure: the configuration comes in already read.

import type { LoadedConfig } from '../config/read.js';
import type { UnlistedPolicy } from '../report/types.js';
import type { SiteFile } from '../unlisted/known-files.js';
import type { Engine, Threads, VerifyArgs } from './args.js';
import { STDOUT } from './spec.js';

/** A report file, and how to name where it came from in a message. */
export interface ReportTarget {
  readonly path: string;
  /** `--report`, `--json=`, or `FILE: report` for a configuration file. */
  readonly option: string;
}

export interface VerifySettings {
  readonly root: string;
  readonly keys: readonly string[];
  readonly anchors: readonly string[];
  readonly unlisted: UnlistedPolicy;
  readonly report: ReportTarget | undefined;
  readonly threads: Threads;
  readonly engine: Engine;
  readonly allow: readonly SiteFile[];
  /** Where each setting came from: `option`, `config FILE` or `default` (report.settings.sources). */
  readonly sources: Readonly<Record<string, string>>;
  readonly configFiles: readonly string[];
  /** The configuration files that set something this run uses (a setting no option replaced, or entries). */
  readonly usedFiles: readonly string[];
}

export function settleVerify(args: VerifyArgs, config: LoadedConfig): VerifySettings {
  const sources: Record<string, string> = {};
  const used = new Set<string>(config.allowFiles);
  const { settings } = config;
  function pick<T>(name: string, given: T | undefined, set: { value: T; file: string } | undefined, fallback: T): T {
    if (given !== undefined) {
      sources[name] = 'option';
      return given;
    }
    if (set !== undefined) {
      sources[name] = `config ${set.file}`;
      used.add(set.file);
      return set.value;
    }
    sources[name] = 'default';
    return fallback;
  }
  const listGiven = (values: readonly string[]): readonly string[] | undefined =>
    values.length > 0 ? values : undefined;
  const installation = args.modules.length === 0;

  // With module directories there is no root: a configured one does not apply.
  const root = installation ? pick('root', args.root, settings.root, '/') : '/';
  const keys = pick('keys', listGiven(args.keys), settings.keys, []);
  const anchors = pick('anchors', listGiven(args.anchors), settings.anchors, []);
  const unlisted = pick('unlisted', args.unlisted, settings.unlisted, 'fail');
  const report = pick('report', optionReport(args), configReport(config), undefined);
  const threads = pick('threads', args.threads, settings.threads, 'auto');
  const engine = pick('engine', args.engine, settings.engine, 'auto');
  sources['allow'] = config.allowFiles.length > 0 ? `config ${config.allowFiles.join(', ')}` : 'default';
  return {
    root,
    keys,
    anchors,
    unlisted,
    report,
    threads,
    engine,
    allow: config.allow,
    sources,
    configFiles: config.files,
    usedFiles: config.files.filter((file) => used.has(file)),
  };
}

function optionReport(args: VerifyArgs): ReportTarget | undefined {
  if (args.report !== undefined) return { path: args.report, option: '--report' };
  if (args.json !== undefined && args.json !== STDOUT) return { path: args.json, option: '--json=' };
  return undefined;
}

function configReport(config: LoadedConfig): { value: ReportTarget; file: string } | undefined {
  const set = config.settings.report;
  return set && { value: { path: set.value, option: `${set.file}: report` }, file: set.file };
}
