// pbxsig's configuration file (/etc/pbxsig/pbxsig.conf), parsed and checked. Pure: the text comes in,
// the settings come out, or a PBXSIG_CONF_* error naming the file, the line and the key.
//
// The format is TOML (toml.io), read with smol-toml: a common format with comments, lists and
// repeated tables ([[allow]]), a small maintained parser without dependencies that runs on Node 18.
// The file is the administrator's, not an audited tree's: it is trusted for what it says, but every
// value is checked, so that a typo is an error at boot rather than a setting silently not applied.

import { TomlError, parse } from 'smol-toml';
import { closest } from '../cli/suggest.js';
import { InputError } from '../errors.js';
import type { UnlistedPolicy } from '../report/types.js';
import type { SiteFile } from '../unlisted/known-files.js';
import { keyLines, lineOf } from './locate.js';

export type EngineSetting = 'auto' | 'node' | 'wasm';

/** What one configuration file sets; a key it leaves out is absent. */
export interface ConfigSettings {
  /** The installation's filesystem root (`--root`). */
  readonly root?: string;
  /** Key files or directories (`--keys`). */
  readonly keys?: readonly string[];
  /** Trust anchors: fingerprints or key files (`--anchor`). */
  readonly anchors?: readonly string[];
  readonly unlisted?: UnlistedPolicy;
  /** Where to write the JSON report (`--report`). */
  readonly report?: string;
  readonly threads?: number | 'auto';
  readonly engine?: EngineSetting;
  /** The site's accepted unlisted files, in the order given (never absent: empty when none). */
  readonly allow: readonly SiteFile[];
}

/** The settings a configuration file may hold beside `allow`, in the order the documentation gives them. */
export const CONFIG_KEYS = ['root', 'keys', 'anchors', 'unlisted', 'report', 'threads', 'engine'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

const ALLOW_KEYS = ['module', 'path', 'sha256'] as const;
const UNLISTED: readonly UnlistedPolicy[] = ['ignore', 'report', 'fail'];
const ENGINES: readonly EngineSetting[] = ['auto', 'node', 'wasm'];
const FINGERPRINT = /^[0-9A-Fa-f ]+$/;
const HEX64 = /^[0-9a-f]{64}$/i;

/**
 * Parses the text of the configuration file `file`. `maxThreads` bounds `threads` as `--threads` is
 * bounded. Throws InputError PBXSIG_CONF_SYNTAX (not TOML) or PBXSIG_CONF_INVALID (a key or value).
 */
export function parseConfig(text: string, file: string, maxThreads: number): ConfigSettings {
  let document: Record<string, unknown>;
  try {
    document = parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      // smol-toml's message is "Invalid TOML document: <what>", then the lines around it.
      const what = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
      throw new InputError(
        'PBXSIG_CONF_SYNTAX',
        `${file}:${error.line}:${error.column}: not valid TOML: ${what} (format: https://toml.io)`,
      );
    }
    throw error;
  }
  return new Checker(file, text, maxThreads).settings(document);
}

class Checker {
  readonly #file: string;
  readonly #text: string;
  readonly #maxThreads: number;
  #lines: ReadonlyMap<string, number> | undefined;

  constructor(file: string, text: string, maxThreads: number) {
    this.#file = file;
    this.#text = text;
    this.#maxThreads = maxThreads;
  }

  settings(document: Record<string, unknown>): ConfigSettings {
    const settings: { -readonly [K in keyof ConfigSettings]: ConfigSettings[K] } = { allow: [] };
    for (const [key, value] of Object.entries(document)) {
      switch (key) {
        case 'root':
          settings.root = this.#absolutePath(key, value);
          break;
        case 'report':
          settings.report = this.#absolutePath(key, value);
          break;
        case 'keys':
          settings.keys = this.#list(key, value).map((v, i) => this.#absolutePath(`${key}[${i}]`, v));
          break;
        case 'anchors':
          settings.anchors = this.#list(key, value).map((v, i) => this.#anchor(`${key}[${i}]`, v));
          break;
        case 'unlisted':
          settings.unlisted = this.#choice(key, value, UNLISTED);
          break;
        case 'engine':
          settings.engine = this.#choice(key, value, ENGINES);
          break;
        case 'threads':
          settings.threads = this.#threads(key, value);
          break;
        case 'allow':
          settings.allow = this.#allow(value);
          break;
        default:
          throw this.#unknown(key, [...CONFIG_KEYS, 'allow']);
      }
    }
    return settings;
  }

  #allow(value: unknown): SiteFile[] {
    // [[allow]] tables, or `allow = [{...}, ...]`: both are a list of tables to TOML.
    if (!Array.isArray(value) || value.some((v) => !isTable(v)))
      throw this.#invalid('allow', 'expected [[allow]] tables, each with module, path and sha256');
    return (value as Array<Record<string, unknown>>).map((entry, i) => {
      const at = `allow[${i}]`;
      for (const key of Object.keys(entry)) {
        if (!(ALLOW_KEYS as readonly string[]).includes(key)) throw this.#unknown(`${at}.${key}`, ALLOW_KEYS);
      }
      for (const key of ALLOW_KEYS) {
        if (entry[key] === undefined)
          throw this.#invalid(at, `missing ${key} (each entry names module, path and sha256)`);
      }
      return {
        module: this.#moduleName(`${at}.module`, entry['module']),
        path: this.#relativePath(`${at}.path`, entry['path']),
        sha256: this.#sha256(`${at}.sha256`, entry['sha256']),
      };
    });
  }

  #string(key: string, value: unknown): string {
    if (typeof value !== 'string') throw this.#invalid(key, `expected a string, got ${describe(value)}`);
    if (value === '') throw this.#invalid(key, 'an empty string');
    if (value.includes('\0')) throw this.#invalid(key, 'holds a NUL character');
    return value;
  }

  // A relative path in a file read at boot would depend on the directory pbxsig happens to start in.
  #absolutePath(key: string, value: unknown): string {
    const path = this.#string(key, value);
    if (!path.startsWith('/')) throw this.#invalid(key, `expected an absolute path, got ${JSON.stringify(path)}`);
    return path;
  }

  #list(key: string, value: unknown): unknown[] {
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value)) throw this.#invalid(key, `expected a list of strings, got ${describe(value)}`);
    if (value.length === 0) throw this.#invalid(key, 'an empty list (leave the key out for the default)');
    return value;
  }

  #anchor(key: string, value: unknown): string {
    const anchor = this.#string(key, value);
    if (FINGERPRINT.test(anchor)) {
      if (anchor.replace(/ /g, '').length !== 40)
        throw this.#invalid(key, `a fingerprint has 40 hex digits, got ${JSON.stringify(anchor)}`);
      return anchor;
    }
    if (!anchor.startsWith('/'))
      throw this.#invalid(key, `expected a fingerprint or an absolute key file path, got ${JSON.stringify(anchor)}`);
    return anchor;
  }

  #choice<T extends string>(key: string, value: unknown, choices: readonly T[]): T {
    const chosen = this.#string(key, value);
    if (!(choices as readonly string[]).includes(chosen))
      throw this.#invalid(
        key,
        `expected one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${JSON.stringify(chosen)}`,
      );
    return chosen as T;
  }

  #threads(key: string, value: unknown): number | 'auto' {
    if (value === 'auto') return 'auto';
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw this.#invalid(key, `expected a whole number or "auto", got ${describe(value)}`);
    if (value > this.#maxThreads)
      throw this.#invalid(key, `at most ${this.#maxThreads} on this machine (4 per core), got ${value}`);
    return value;
  }

  #moduleName(key: string, value: unknown): string {
    const name = this.#string(key, value);
    if (name.includes('/') || name === '.' || name === '..')
      throw this.#invalid(key, `expected a module name (its directory's name), got ${JSON.stringify(name)}`);
    return name;
  }

  // As the walk reports it: relative to the module directory, "/"-separated, no "." or ".." part.
  #relativePath(key: string, value: unknown): string {
    const path = this.#string(key, value);
    if (path.split('/').some((part) => part === '' || part === '.' || part === '..'))
      throw this.#invalid(
        key,
        `expected a path relative to the module directory ("views/custom.php"), got ${JSON.stringify(path)}`,
      );
    return path;
  }

  #sha256(key: string, value: unknown): string {
    const digest = this.#string(key, value);
    if (!HEX64.test(digest))
      throw this.#invalid(key, `expected a SHA-256 digest (64 hex digits), got ${JSON.stringify(digest)}`);
    return digest.toLowerCase();
  }

  #unknown(key: string, known: readonly string[]): InputError {
    const name = key.slice(key.lastIndexOf('.') + 1);
    const close = closest(name, known);
    return this.#invalid(key, `unknown key${close ? `; did you mean ${close}?` : ''} (known: ${known.join(', ')})`);
  }

  #invalid(key: string, problem: string): InputError {
    this.#lines ??= keyLines(this.#text);
    const line = lineOf(this.#lines, key);
    const where = line === undefined ? this.#file : `${this.#file}:${line}`;
    return new InputError('PBXSIG_CONF_INVALID', `${where}: ${key}: ${problem}`);
  }
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isTable(value)) return 'a table';
  if (value instanceof Date) return 'a date';
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}
