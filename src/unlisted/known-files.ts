// Known unlisted files: a file that sits unlisted in a module directory but is known by module, path
// and content (sha256) is shown as a known quirk and does not fail the module. Two sources: 'stock',
// what FreePBX's own releases carry (stock-files.ts, shipped with pbxsig), and 'site', an
// administrator's own list (from a configuration file; it reaches the walk as data in its task).
// Pure lookup; the walker hashes a file only when its module and path are in the list.

import { STOCK_FILES } from './stock-files.js';

/** An unlisted file accepted by module, path and content. */
export interface SiteFile {
  /** Module name (FreePBX rawname). */
  readonly module: string;
  /** Path relative to the module directory, "/"-separated, as the walk reports it. */
  readonly path: string;
  /** SHA-256 of the content, 64 hex digits (either case). */
  readonly sha256: string;
}

export interface KnownFile extends SiteFile {
  /** stock: FreePBX's own releases carry it; site: the administrator's list. */
  readonly source: 'stock' | 'site';
}

/** What a known-file match says in reports, by source. */
export const KNOWN_RULE: Readonly<Record<KnownFile['source'], string>> = {
  stock: "shipped unlisted by FreePBX's own release (module, path and sha256 match)",
  site: "in this site's known files (module, path and sha256 match)",
};

/** The largest file hashed to compare with a known one: the stock files are at most 24 KB. */
export const KNOWN_MAX_BYTES = 1024 * 1024;

/** Known files of one module, by path, then by lower-case digest. */
export type KnownForModule = ReadonlyMap<string, ReadonlyMap<string, KnownFile>>;

const HEX64 = /^[0-9a-f]{64}$/i;

/** The known files of `module`: the stock list and the site's entries (malformed entries never match). */
export function knownFilesFor(module: string, site: readonly KnownFile[] = []): KnownForModule {
  const byPath = new Map<string, Map<string, KnownFile>>();
  for (const file of [...STOCK_FILES, ...site]) {
    if (file.module !== module || !HEX64.test(file.sha256)) continue;
    let digests = byPath.get(file.path);
    if (!digests) {
      digests = new Map();
      byPath.set(file.path, digests);
    }
    const digest = file.sha256.toLowerCase();
    // The stock entry wins when a site lists the same content again: it says more.
    if (!digests.has(digest)) digests.set(digest, file);
  }
  return byPath;
}
