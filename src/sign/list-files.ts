// The files of a module to sign, as FreePBX's signer lists them: regular files, recursively, sorted
// byte-wise, module.sig itself excluded, links followed (a linked file is hashed by its content).
// Stricter than FreePBX: a link leading out of the module, a dangling link, or a special file (FIFO,
// device, socket) stops the signing, because what it would sign is not part of the module.

import { readdirSync } from 'node:fs';
import { describeError } from '../errors.js';
import { ConfinedOpener } from '../fs/confined-open.js';

export interface ListOptions {
  /** Include names starting with "." (FreePBX's published modules do; its sign.php does not). */
  readonly dotfiles: boolean;
}

export interface ModuleFiles {
  /** Paths relative to the module directory, "/"-separated, sorted byte-wise. */
  readonly files: readonly string[];
  /** What cannot be signed, with why. */
  readonly refused: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
}

// Version-control metadata is never part of a module (published modules are built without it).
const VCS = new Set(['.git', '.svn', '.hg']);

/** Lists the files of the module at `realDir` (its real path: links already resolved). */
const LEFTOVER = /^\.module\.sig\.\d+\.[0-9a-f]{8}\.tmp$/;

export function listModuleFiles(realDir: string, options: ListOptions): ModuleFiles {
  const opener = new ConfinedOpener('/', realDir);
  const files: string[] = [];
  const refused: Array<{ path: string; reason: string }> = [];
  const visited = new Set<string>([realDir]);
  const pending: Array<{ rel: string; real: string }> = [{ rel: '', real: realDir }];

  while (pending.length > 0) {
    const { rel, real } = pending.pop() as { rel: string; real: string };
    let entries;
    try {
      entries = readdirSync(real, { withFileTypes: true });
    } catch (error) {
      refused.push({ path: rel || '.', reason: `directory cannot be read: ${describeError(error)}` });
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') && (!options.dotfiles || VCS.has(entry.name))) continue;
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (path === 'module.sig') continue;
      // What an interrupted sign left (report/write-atomic.ts names its temporary file so): not part of
      // the module, and not to be signed into it. Said, for the user to remove.
      if (rel === '' && LEFTOVER.test(entry.name)) {
        refused.push({ path, reason: 'left by an interrupted sign (a temporary module.sig): remove it' });
        continue;
      }
      if (entry.isDirectory()) {
        pending.push({ rel: path, real: `${real}/${entry.name}` });
      } else if (entry.isFile()) {
        files.push(path);
      } else if (entry.isSymbolicLink()) {
        const inModule = `${realDir.slice(1)}/${path}`;
        const asDir = opener.resolveDirectory(inModule);
        if (asDir.kind === 'dir') {
          if (asDir.real === realDir) refused.push({ path, reason: 'link to the module directory itself (a loop)' });
          else if (!asDir.real.startsWith(`${realDir}/`))
            refused.push({ path, reason: `link to ${asDir.real}, outside the module` });
          else if (visited.has(asDir.real))
            refused.push({ path, reason: 'link to a directory already listed (a loop)' });
          else {
            visited.add(asDir.real);
            pending.push({ rel: path, real: asDir.real });
          }
          continue;
        }
        const opened = opener.open(inModule);
        if (opened.kind === 'open') {
          opener.close(opened.fd);
          files.push(path);
        } else {
          refused.push({ path, reason: opened.kind === 'missing' ? 'dangling link' : opened.reason });
        }
      } else {
        refused.push({ path, reason: 'not a regular file (FIFO, socket or device)' });
      }
    }
  }
  const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
  return { files: files.sort(byBytes), refused: refused.sort((a, b) => byBytes(a.path, b.path)) };
}
