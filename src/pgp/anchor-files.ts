// `--anchor` takes a fingerprint or a public key file: the one place anchors given either way are
// resolved (the CLI's commands and the library go through here). Naming the anchor is the user's trust
// decision, which is why a key file may pin a key here and nowhere else.
//
// A key file pins exactly one key. An exported keyring holds several (a master beside the developer
// keys it certified, some of them revoked): pinning all of them would make a revoked developer key a
// trust anchor without a word. Guessing which one was meant (say, the one nobody in the file
// certified) can still pin a key the user did not mean: a self-signed developer key in the same
// export is certified by nobody either. So a file with several keys is refused, naming them; the user
// pins the one meant by fingerprint and gives the file as key material (`--anchor FPR --keys FILE`).

import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { parseAnchors } from './anchors.js';

const FINGERPRINT = /^[0-9A-Fa-f\s]+$/;

export interface ResolvedAnchors {
  /** The pinned fingerprints (40 hex digits, upper case), in the order given, each once. */
  readonly fingerprints: readonly string[];
  /** The specs that are key files: their keys are needed too, to check the anchors' certifications. */
  readonly keyFiles: readonly string[];
}

/** Resolves `--anchor` values: fingerprints (spaces allowed) or key files holding one key each. */
export async function resolveAnchorSpecs(specs: readonly string[]): Promise<ResolvedAnchors> {
  const fingerprints: string[] = [];
  const keyFiles: string[] = [];
  for (const spec of specs) {
    if (!isKeyFileSpec(spec)) {
      if (!FINGERPRINT.test(spec))
        throw new InputError(
          'ANCHOR_INVALID',
          `trust anchor ${JSON.stringify(spec)}: no such key file, and not a fingerprint (40 hex digits)`,
        );
      fingerprints.push(...parseAnchors([spec]));
      continue;
    }
    // Only a key file needs openpgp.js (about 45 ms to load): fingerprints are parsed without it.
    const { readKeyFile } = await import('./keyring.js');
    fingerprints.push(anchorOfFile(spec, await readKeyFile(spec)));
    keyFiles.push(spec);
  }
  return { fingerprints: [...new Set(fingerprints)], keyFiles };
}

/** The fingerprints pinned by `--anchor` values (see resolveAnchorSpecs). */
export async function resolveAnchors(specs: readonly string[]): Promise<string[]> {
  return [...(await resolveAnchorSpecs(specs)).fingerprints];
}

/** The specs that name key files: their keys are needed too, to check the anchors' certifications. */
export function anchorKeyFiles(specs: readonly string[]): string[] {
  return specs.filter(isKeyFileSpec);
}

function isKeyFileSpec(spec: string): boolean {
  return !FINGERPRINT.test(spec) && existsSync(spec);
}

/**
 * What anchorOfFile needs of a key: openpgp.js's keys have it. Named here so that this module's
 * declarations (the library exports resolveAnchorSpecs) do not reach openpgp.js's types.
 */
export interface AnchorKeyLike {
  getFingerprint(): string;
  readonly users: ReadonlyArray<{ readonly userID: { readonly userID: string } | null }>;
}

/** The one primary key of an anchor file (copies of one key count as one); refuses anything else. */
export function anchorOfFile(path: string, keys: readonly AnchorKeyLike[]): string {
  const distinct = new Map<string, AnchorKeyLike>();
  for (const key of keys) distinct.set(key.getFingerprint().toUpperCase(), key);
  const [only, ...others] = distinct.keys();
  if (only !== undefined && others.length === 0) return only;
  const listed = [...distinct]
    .slice(0, 10)
    .map(([fingerprint, key]) => `${fingerprint}${userIdOf(key)}`)
    .join('; ');
  const more = distinct.size > 10 ? `; and ${distinct.size - 10} more` : '';
  throw new InputError(
    'ANCHOR_INVALID',
    `trust anchor file ${path}: holds ${distinct.size} keys (${listed}${more}); an anchor file must hold exactly one key. Pin the key you mean by its fingerprint and give the file as keys: --anchor FINGERPRINT --keys ${path}`,
  );
}

function userIdOf(key: AnchorKeyLike): string {
  const userId = key.users.find((u) => u.userID)?.userID?.userID;
  return userId ? ` ${JSON.stringify(userId)}` : '';
}
