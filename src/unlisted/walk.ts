// Walk a module directory and find the files its manifest does not list. Runs in a worker, beside the
// hashing. Directories are read with their entry types (no stat per file); a file's mode is read only
// when its name does not already decide its class. Links are reported by name and never followed.

import { lstatSync, readdirSync } from 'node:fs';
import { describeError } from '../errors.js';
import { classifyUnlisted, needsMode } from './policy.js';
import type { ConfinedOpener } from '../fs/confined-open.js';

export interface WalkTask {
  readonly run: string;
  readonly root: string;
  readonly confine: string;
  /** Module name (FreePBX rawname): some allowances are per module. */
  readonly module: string;
  /** Module directory, relative to root. */
  readonly dir: string;
  /** Paths the manifest lists, relative to the module directory. */
  readonly listed: readonly string[];
}

export interface WalkResult {
  /** Why the directory could not be walked at all, if it could not. */
  readonly error?: string;
  readonly code: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
  readonly allowed: ReadonlyArray<{ readonly path: string; readonly rule: string }>;
  readonly runtime: number;
  readonly other: number;
  /** The first few "other" paths, so a report can show what they are. */
  readonly otherSample: readonly string[];
  /** Directories inside the module that could not be read. */
  readonly unreadable: readonly string[];
}

const OTHER_SAMPLE = 20;
const MAX_FINDINGS = 10_000;

export function walkModule(task: WalkTask, opener: ConfinedOpener): WalkResult {
  const resolved = opener.resolveDirectory(task.dir);
  const empty = { code: [], allowed: [], runtime: 0, other: 0, otherSample: [], unreadable: [] };
  if (resolved.kind !== 'dir') return { ...empty, error: resolved.reason };

  const listed = new Set(task.listed);
  const code: Array<{ path: string; reason: string }> = [];
  const allowed: Array<{ path: string; rule: string }> = [];
  const otherSample: string[] = [];
  const unreadable: string[] = [];
  let runtime = 0;
  let other = 0;

  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    const dirPath = rel === '' ? resolved.real : `${resolved.real}/${rel}`;
    let entries;
    try {
      entries = readdirSync(dirPath, { withFileTypes: true });
    } catch (error) {
      unreadable.push(`${rel || '.'}: ${describeError(error)}`);
      continue;
    }
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        pending.push(path);
        continue;
      }
      if (listed.has(path) || path === 'module.sig') continue;
      let executable: boolean | undefined;
      if (entry.isFile() && needsMode(task.module, path)) {
        try {
          executable = (lstatSync(`${dirPath}/${entry.name}`).mode & 0o111) !== 0;
        } catch {
          executable = undefined; // gone meanwhile: classify by name
        }
      }
      const kind = classifyUnlisted(task.module, path, executable);
      if (kind.kind === 'code') {
        if (code.length < MAX_FINDINGS) code.push({ path, reason: kind.reason });
      } else if (kind.kind === 'allowed') {
        allowed.push({ path, rule: kind.rule });
      } else if (kind.kind === 'runtime') {
        runtime++;
      } else {
        other++;
        if (otherSample.length < OTHER_SAMPLE) otherSample.push(path);
      }
    }
  }
  code.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { code, allowed, runtime, other, otherSample, unreadable };
}
