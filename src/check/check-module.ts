// The file work for one module (or one slice of it: slices.ts), done by whichever lane (a worker thread
// or the main thread) claimed it: read module.sig once per unit, split and parse its signed text, hand
// that text to the main thread to be judged, hash every listed file where it lives, walk the directory
// for unlisted files, and return the findings as data. No keys and no openpgp.js here: judging happens
// on the main thread (judge.ts).
//
// Before its signature is known to be good and trusted, a manifest gets a bounded look (limits.ts): a
// forged module.sig listing a million files costs a bounded amount of work, and the rest waits for a
// good signature by a trusted key.

import { ManifestError } from '../errors.js';
import type { ConfinedOpener } from '../fs/confined-open.js';
import type { Hasher } from '../hash/engine.js';
import { phpLooseEquals } from '../freepbx/php-equals.js';
import { hashFile } from '../hash/hash-file.js';
import { splitClearsigned } from '../manifest/cleartext.js';
import type { Clearsigned } from '../manifest/cleartext.js';
import { parseManifest } from '../manifest/parse.js';
import type { Manifest, ManifestEntry, ManifestLimits } from '../manifest/types.js';
import type { FileFinding, UnlistedPolicy } from '../report/types.js';
import type { KnownFile } from '../unlisted/known-files.js';
import { walkModule } from '../unlisted/walk.js';
import type {
  FilesEvidence,
  FreepbxDetail,
  ManifestEvidence,
  ModuleEvidence,
  ModuleIdentity,
  SigEvidence,
  SignedText,
} from './evidence.js';
import { NO_FILES, changedMeanwhile } from './evidence.js';
import { MANIFEST_ISSUES_KEPT } from './limits.js';
import type { UntrustedLook } from './limits.js';
import { isLocalManifest, readLocalManifest } from './local-signature.js';
import { readModuleSig, textDigest } from './read-module-sig.js';
import { sliceLook, sliceRange } from './slices.js';
import type { Slice } from './slices.js';
import { moduleSigPath, placeEntry } from './target.js';
import type { ModuleTarget } from './target.js';

/** One module to check; a continuation carries on from `from` once the signature was found good and trusted. */
export interface ModuleUnit {
  readonly kind: 'module';
  readonly target: ModuleTarget;
  readonly unlisted: UnlistedPolicy;
  /** The site's known files for this module (its allowlist, source 'site'), handed to the walk. */
  readonly known?: readonly KnownFile[];
  readonly limits: ManifestLimits;
  /** The bounded look at a manifest whose signature is not known to be good and trusted (limits.ts). */
  readonly look: UntrustedLook;
  /**
   * Set on a continuation: the manifest index to start at, and the digests of module.sig (and of a
   * type=local module's secure manifest) as first read and judged.
   */
  readonly continueFrom?: { readonly index: number; readonly digest: string; readonly localDigest?: string };
  /** Set when the module is checked in several units at once: this unit's slice of the listing (slices.ts). */
  readonly slice?: Slice;
  /**
   * Set when a module is checked again after its slices: the digests its first slice read, whose
   * signed text is the one judged. Anything else read now is a module that changed meanwhile.
   */
  readonly pinned?: { readonly digest: string; readonly localDigest?: string };
}

/** What a lane owns while it checks files: reused for every file and module. */
export interface LaneTools {
  readonly hasher: Hasher;
  readonly buffer: Buffer;
  /** A confined opener for a root and confinement, for this unit. */
  opener(root: string, confine: string): ConfinedOpener;
}

/** Called once the signed text exists, before any file is hashed, so judging starts at once. */
export type OnSignedText = (text: SignedText) => void;

export function checkModule(unit: ModuleUnit, tools: LaneTools, onSignedText: OnSignedText): ModuleEvidence {
  const { target } = unit;
  const opener = tools.opener(target.root, target.confine);
  const read = readSignedManifest(opener, target, unit.limits);
  const nothing = { files: NO_FILES, walk: null, identity: null, rest: null, local: null, ownListDetails: null };
  if (read.sig.state !== 'read') return { sig: read.sig, manifest: null, ...nothing };

  const continuation = unit.continueFrom;
  // Each role is one unit's. The lead (a first look, a first slice, or a look again after slices)
  // reports the manifest and FreePBX's details for entries pbxsig refused; the one that ends the listing
  // (a first look, a continuation, a last slice) walks the module; signed texts are handed over once, by
  // a lead that is not pinned to texts already handed over.
  const lead = !continuation && (unit.slice?.index ?? 0) === 0;
  const last = continuation !== undefined || !unit.slice || unit.slice.index === unit.slice.count - 1;
  const handsOver = lead && !unit.pinned;
  const pin = continuation ?? unit.pinned;
  if (pin && pin.digest !== read.sig.digest) return changedMeanwhile('module.sig');
  if (handsOver && read.raw !== undefined) onSignedText({ role: 'module', digest: read.sig.digest, raw: read.raw });
  if (!read.manifest) return { sig: read.sig, manifest: read.manifestEvidence, ...nothing };
  const moduleSig = read.manifest;

  // A type=local module's files are listed in its secure manifest (see local-signature.ts).
  const local =
    target.layout.kind === 'installation' && isLocalManifest(moduleSig)
      ? readLocalManifest(opener, target, moduleSig, unit.limits)
      : undefined;
  if (local?.evidence.state === 'read' && local.raw !== undefined) {
    if (pin && pin.localDigest !== local.evidence.digest) return changedMeanwhile(local.evidence.path);
    if (handsOver) onSignedText({ role: 'local', digest: local.evidence.digest, raw: local.raw });
  }
  const listing = local?.manifest ?? moduleSig;

  const entries = listing.entries.length;
  const range = continuation ? { from: continuation.index, to: entries } : sliceRange(entries, unit.slice);
  const checked = checkFiles(unit, listing, range, { bounded: !continuation, lead }, opener, tools);
  const complete = checked.next >= range.to;
  const walk =
    complete && last && unit.unlisted !== 'ignore'
      ? walkModule(
          {
            run: '',
            root: target.root,
            confine: target.confine,
            module: target.name,
            dir: target.moduleDir,
            listed: listing.entries.map((e) => e.path),
            ...(unit.known ? { known: unit.known } : {}),
          },
          opener,
        )
      : null;
  // FreePBX checks module.sig's own list when it trusts module.sig (and never reads the secure file).
  const ownListDetails =
    local?.manifest && lead
      ? checkFiles(unit, moduleSig, { from: 0, to: moduleSig.entries.length }, { bounded: false, lead }, opener, tools)
          .files.freepbx
      : null;
  return {
    sig: read.sig,
    manifest: lead ? read.manifestEvidence : null,
    files: checked.files,
    walk,
    identity: checked.identity,
    rest: complete
      ? null
      : {
          from: checked.next,
          reason: `a manifest whose signature is not yet known to be good and trusted gets a bounded look (${unit.look.files} files, ${unit.look.bytes / 1024 / 1024} MiB)`,
        },
    local: local
      ? {
          ...local.evidence,
          manifest: !lead || !local.manifest ? null : manifestEvidence(local.manifest),
        }
      : null,
    ownListDetails,
  };
}

export interface SignedManifest {
  readonly sig: SigEvidence;
  /** module.sig as read, once it split as clear-signed text. */
  readonly raw?: string;
  readonly manifest?: Manifest;
  readonly manifestEvidence: ManifestEvidence | null;
}

function readSignedManifest(opener: ConfinedOpener, target: ModuleTarget, limits: ManifestLimits): SignedManifest {
  let read;
  try {
    read = readModuleSig(opener, moduleSigPath(target), limits.maxBytes);
  } catch (error) {
    return unreadableSig(error);
  }
  if (read.state === 'missing') return { sig: { state: 'missing' }, manifestEvidence: null };
  return signedManifestOf(read.text, limits, read.digest);
}

// A module.sig that cannot be read or framed (a ManifestError); anything else is not ours to answer.
function unreadableSig(error: unknown): SignedManifest {
  if (!(error instanceof ManifestError)) throw error;
  return {
    sig: { state: 'unreadable', problem: { code: error.code, message: error.message } },
    manifestEvidence: null,
  };
}

/**
 * What a module.sig's text says: its framing and its manifest. Pure: a fleet producer reads it again
 * from the text it verified, so that expiry, type and refused entries are never a worker's word.
 * `digest` is textDigest(text), given when the caller took it from the bytes read (no re-encoding).
 */
export function signedManifestOf(text: string, limits: ManifestLimits, digest = textDigest(text)): SignedManifest {
  let clear: Clearsigned;
  try {
    clear = splitClearsigned(text, limits);
  } catch (error) {
    return unreadableSig(error);
  }
  const sig: SigEvidence = {
    state: 'read',
    digest,
    hashHeaders: clear.hashHeaders,
    linesOutside: clear.linesOutside,
    framing: {
      badDashLines: clear.badDashLines,
      firstBadDashLine: clear.firstBadDashLine,
      badHeader: clear.badHeader,
      unsupportedHeader: clear.unsupportedHeader,
    },
  };
  try {
    const manifest = parseManifest(clear.text, { firstLine: clear.firstLine, limits, crlfLines: clear.crlfLines });
    return { sig, raw: text, manifest, manifestEvidence: manifestEvidence(manifest) };
  } catch (error) {
    if (error instanceof ManifestError)
      return {
        sig,
        raw: text,
        manifestEvidence: { state: 'refused', problem: { code: error.code, message: error.message } },
      };
    throw error;
  }
}

export function manifestEvidence(manifest: Manifest): ManifestEvidence {
  return {
    state: 'parsed',
    config: manifest.config,
    // Lines listing a file: the accepted ones and the refused ones (an issue with a path).
    entries: manifest.entries.length + manifest.issues.filter((i) => i.path !== undefined).length,
    usable: manifest.entries.length,
    issues: manifest.issues.slice(0, MANIFEST_ISSUES_KEPT),
    issueCount: manifest.issues.length,
    phpArrayPaths: manifest.phpArrayPaths,
  };
}

interface CheckedFiles {
  readonly files: FilesEvidence;
  /** The manifest index where checking stopped (entries.length when every entry was reached). */
  readonly next: number;
  readonly identity: ModuleIdentity | null;
}

// Hashes entries from `start` on, each where it lives. A first look stops at the untrusted bound.
// Beside pbxsig's findings, it works out what FreePBX would list for the same files: FreePBX checks the
// [hashes] PHP read (manifest.freepbxHashes), comparing digests with PHP's loose !=.
function checkFiles(
  unit: ModuleUnit,
  manifest: Manifest,
  range: { readonly from: number; readonly to: number },
  role: { readonly bounded: boolean; readonly lead: boolean },
  opener: ConfinedOpener,
  tools: LaneTools,
): CheckedFiles {
  const { target } = unit;
  const { entries } = manifest;
  // Mostly PHP reads exactly pbxsig's entries (the same array): FreePBX's details are then worked out
  // entry by entry. Otherwise (a duplicate, an array key, a line pbxsig refuses) each outcome is kept
  // by path and FreePBX's [hashes] are gone through afterwards.
  const sameAsPhp = manifest.freepbxHashes === entries;
  const outcomes = sameAsPhp ? undefined : new Map<string, FileOutcome>();
  const altered: FileFinding[] = [];
  const missing: FileFinding[] = [];
  const unreadable: FileFinding[] = [];
  const unsafe: FileFinding[] = [];
  const freepbx: FreepbxDetail[] = [];
  const looseMatches: string[] = [];
  let listed = 0;
  let skipped = 0;
  let checked = 0;
  let matched = 0;
  let bytes = 0;
  let viaSymlink = 0;
  let identity: ModuleIdentity | null = null;
  // A slice gets its share of the module's bounded look (slices.ts).
  const look = sliceLook(unit.look, unit.slice);
  const fileBudget = role.bounded ? look.files : Number.POSITIVE_INFINITY;
  const byteBudget = role.bounded ? look.bytes : Number.POSITIVE_INFINITY;

  const start = range.from;
  let k = start;
  for (; k < range.to; k++) {
    const entry = entries[k] as ManifestEntry;
    const place = placeEntry(target, entry.path);
    if (place.kind === 'skip') {
      skipped++;
      continue;
    }
    if (listed >= fileBudget) break;
    const hashed = hashFile(opener, place.openPath, tools.hasher, tools.buffer, byteBudget - bytes);
    if (!hashed.ok && hashed.status === 'over-limit') break;
    listed++;
    if (!hashed.ok) {
      const finding = { path: entry.path, location: place.location, reason: hashed.reason };
      // FreePBX's hash_file() fails on unsafe and unreadable files (false != digest): altered.
      const status = hashed.status === 'missing' ? 'missing' : 'altered';
      if (hashed.status === 'missing') missing.push(finding);
      else (hashed.status === 'unsafe' ? unsafe : unreadable).push(finding);
      if (outcomes) outcomes.set(entry.path, { status });
      else freepbx.push({ line: entry.line, text: `${place.location} ${status}` });
      continue;
    }
    checked++;
    bytes += hashed.size;
    if (hashed.viaLink) viaSymlink++;
    if (hashed.digest === entry.digest) {
      matched++;
      if (outcomes) outcomes.set(entry.path, { status: 'found', actual: entry.digest });
      if (entry.path === 'module.xml' && hashed.size <= tools.buffer.length)
        identity = readIdentity(tools.buffer.subarray(0, hashed.size));
      continue;
    }
    const actual = hashed.digest;
    altered.push({ path: entry.path, location: place.location, expected: entry.digest, actual });
    if (outcomes) outcomes.set(entry.path, { status: 'found', actual });
    else if (phpLooseEquals(actual, entry.digest)) looseMatches.push(entry.path);
    else freepbx.push({ line: entry.line, text: `${place.location} altered` });
  }
  if (outcomes) freepbx.push(...phpDetails(target, manifest, outcomes, role.lead, looseMatches));
  return {
    files: {
      listed,
      skipped,
      checked,
      matched,
      bytes,
      viaSymlink,
      altered,
      missing,
      unreadable,
      unsafe,
      freepbx,
      looseMatches,
    },
    next: k,
    identity,
  };
}

/** What became of a listed file, for FreePBX's comparison: found (with its digest), missing, or not hashable. */
type FileOutcome = { readonly status: 'found'; readonly actual: string } | { readonly status: 'missing' | 'altered' };

// FreePBX's file checks (GPG.class.php verifyModule) over the [hashes] PHP returned: "<path> missing"
// when the file is not there, "<path> altered" when hash_file('sha256') != the listed value (PHP's loose
// !=). Outcomes are pbxsig's own, for the entries this unit reached; a path PHP lists that pbxsig refused
// to open (an unsafe path, a digest it does not accept) is counted altered by the first look, which is
// what FreePBX finds unless the file is missing.
function phpDetails(
  target: ModuleTarget,
  manifest: Manifest,
  outcomes: ReadonlyMap<string, FileOutcome>,
  firstLook: boolean,
  looseMatches: string[],
): FreepbxDetail[] {
  const ours = firstLook ? new Set(manifest.entries.map((e) => e.path)) : undefined;
  const details: FreepbxDetail[] = [];
  for (const entry of manifest.freepbxHashes) {
    const outcome = outcomes.get(entry.path);
    // An entry pbxsig has but another unit checks is that unit's to report.
    if (!outcome && !(ours && !ours.has(entry.path))) continue;
    const place = placeEntry(target, entry.path);
    if (place.kind === 'skip') continue;
    if (outcome?.status === 'found' && entry.digest !== null && phpLooseEquals(outcome.actual, entry.digest)) {
      if (outcome.actual !== entry.digest) looseMatches.push(entry.path);
      continue;
    }
    details.push({
      line: entry.line,
      text: `${place.location} ${outcome?.status === 'missing' ? 'missing' : 'altered'}`,
    });
  }
  return details;
}

// module.xml names the module and its version: <module><rawname>core</rawname>...<version>17.0.1</version>.
// The first <version> is the module's own; later ones belong to <depends>.
function readIdentity(bytes: Buffer): ModuleIdentity {
  const xml = bytes.toString('utf8');
  return { rawname: element(xml, 'rawname'), version: element(xml, 'version') };
}

function element(xml: string, name: string): string | null {
  const match = new RegExp(`<${name}>\\s*([^<]{1,200}?)\\s*</${name}>`).exec(xml);
  return match?.[1] ?? null;
}
