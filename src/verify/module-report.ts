// Assemble one module's report from what the coordinator gathered: the manifest, the signature
// judgement and the file outcomes. No I/O; every decision is delegated to decideVerdict (ours) and
// freepbxStatus (FreePBX's), which see the same evidence.

import { InternalError } from '../errors.js';
import type { ManifestError } from '../errors.js';
import { phpLooseEquals } from '../freepbx/php-equals.js';
import { freepbxStatus } from '../freepbx/status.js';
import type { GnupgSignatureView } from '../freepbx/status.js';
import type { FileResult, HashResults } from '../hash/results.js';
import type { WalkResult } from '../unlisted/walk.js';
import type { Clearsigned } from '../manifest/cleartext.js';
import type { FreepbxHashEntry, Manifest } from '../manifest/types.js';
import type {
  FileFinding,
  FilesReport,
  ModuleReport,
  Notice,
  UnlistedPolicy,
  UnlistedReport,
} from '../report/types.js';
import type { Judgement } from './judge-signature.js';
import { locationOf } from './plan.js';
import type { ModulePlan } from './plan.js';
import { decideVerdict } from './verdict.js';

export type SigState =
  | { readonly state: 'missing' }
  | { readonly state: 'unreadable'; readonly error: ManifestError }
  | {
      readonly state: 'read';
      readonly sigDigest: string;
      readonly clear: Clearsigned;
      readonly manifest?: Manifest;
      readonly manifestError?: ManifestError;
    };

export interface ModuleEvidence {
  readonly plan: ModulePlan;
  /** Index of the plan's first entry in the run's hash results. */
  readonly firstJob: number;
  readonly judgement: Judgement | undefined;
  readonly results: HashResults;
  readonly walk: WalkResult | undefined;
  readonly unlistedPolicy: UnlistedPolicy;
  readonly now: Date;
}

export function buildModuleReport(evidence: ModuleEvidence): ModuleReport {
  const { plan, judgement, now } = evidence;
  const files = collectFiles(plan, evidence.results, evidence.firstJob);
  const read = plan.sig.state === 'read' ? plan.sig : undefined;
  const manifest = read?.manifest;
  const checked = judgement?.kind === 'checked' ? judgement : undefined;
  const unreadable =
    plan.sig.state === 'unreadable' ? plan.sig.error : judgement?.kind === 'unreadable' ? judgement.error : undefined;

  const expiresAfter =
    manifest && Number.parseFloat(manifest.config.version ?? '1') > 1 ? manifest.config.expiresAfter : undefined;
  const expired =
    expiresAfter !== undefined && expiresAfter * 1000 < now.getTime() ? new Date(expiresAfter * 1000) : undefined;

  const decision = decideVerdict({
    signed: plan.sig.state !== 'missing',
    ...(unreadable ? { unreadable: `module.sig cannot be used: ${unreadable.message}` } : {}),
    ...(checked ? { signature: checked.check.outcome } : {}),
    ...(checked?.trust ? { trust: checked.trust.state, trustReason: checked.trust.reason } : {}),
    ...(checked ? signatureFailure(checked) : {}),
    ...manifestProblem(read),
    ...(expired ? { expiredSignature: expired } : {}),
    altered: files.report.altered.length,
    missing: files.report.missing.length,
    unreadableFiles: files.report.unreadable.length,
    unsafe: files.report.unsafe.length,
  });

  const unlisted = unlistedReport(plan, evidence.walk);
  const gnupg: GnupgSignatureView = checked ? checked.gnupg : { kind: 'unreadable' };
  const freepbx = freepbxStatus({
    signed: plan.sig.state !== 'missing',
    signature: gnupg,
    ini: manifest
      ? { version: manifest.config.version, type: manifest.config.type, expiresAfter: manifest.config.expiresAfter }
      : undefined,
    fileDetails: manifest ? files.freepbxDetails : [],
    now,
  });

  const unlistedCode = unlisted?.code.length ?? 0;
  const warnings = moduleWarnings(read, checked);
  for (const path of files.looseMatches) {
    warnings.push({
      code: 'FREEPBX_LOOSE_MATCH',
      message: `${JSON.stringify(path)} is altered, but FreePBX's loose != reads both digests as the same number and takes it as unchanged`,
    });
  }
  return {
    name: plan.name,
    directory: plan.directory,
    verdict: decision.verdict,
    summary:
      unlistedCode > 0
        ? `${decision.summary}; but ${unlistedCode} unlisted code ${unlistedCode === 1 ? 'file was' : 'files were'} found`
        : decision.summary,
    freepbx,
    signer: checked?.signer ?? null,
    manifest: manifest
      ? {
          version: manifest.config.version ?? null,
          type: manifest.config.type ?? null,
          repo: manifest.config.repo ?? null,
          signedWith: manifest.config.signedWith ?? null,
          signedBy: manifest.config.signedBy ?? null,
          expiresAfter:
            manifest.config.expiresAfter !== undefined
              ? new Date(manifest.config.expiresAfter * 1000).toISOString()
              : null,
          // Lines listing a file: the accepted ones and the refused ones (an issue with a path).
          entries: manifest.entries.length + manifest.issues.filter((i) => i.path !== undefined).length,
          issues: manifest.issues,
        }
      : null,
    files: files.report,
    unlisted: unlisted,
    passed:
      decision.verdict === 'verified' && !(evidence.unlistedPolicy === 'fail' && (unlisted?.code.length ?? 0) > 0),
    warnings,
  };
}

function unlistedReport(plan: ModulePlan, walk: WalkResult | undefined): UnlistedReport | null {
  if (!walk) return null;
  return {
    code: walk.code.map((f) => ({ path: f.path, location: `${plan.directory}/${f.path}`, reason: f.reason })),
    allowed: walk.allowed,
    runtime: walk.runtime,
    other: walk.other,
    otherSample: walk.otherSample,
    unreadable: walk.error !== undefined ? [walk.error, ...walk.unreadable] : walk.unreadable,
  };
}

function signatureFailure(checked: Extract<Judgement, { kind: 'checked' }>): { signatureFailure?: string } {
  const { check } = checked;
  if (check.outcome === 'bad') return { signatureFailure: check.reason };
  if (check.outcome === 'no-key')
    return {
      signatureFailure: `no key with ID ${check.facts.issuerKeyId} among the loaded keys (pass it with --keys)`,
    };
  return {};
}

function manifestProblem(read: Extract<SigState, { state: 'read' }> | undefined): { manifestProblem?: string } {
  if (!read) return {};
  if (read.manifestError) return { manifestProblem: `the signed manifest is invalid: ${read.manifestError.message}` };
  const issues = read.manifest?.issues ?? [];
  const first = issues[0];
  if (!first) return {};
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return {
    manifestProblem: `the signed manifest has entries pbxsig refuses: line ${first.line}: ${first.message}${more}`,
  };
}

interface CollectedFiles {
  readonly report: FilesReport;
  /** FreePBX's "<path> missing" / "<path> altered" details, in manifest order. */
  readonly freepbxDetails: string[];
  /** Altered files FreePBX's loose comparison takes as unchanged ("0e..." digests). */
  readonly looseMatches: string[];
}

function collectFiles(plan: ModulePlan, results: HashResults, firstJob: number): CollectedFiles {
  const altered: FileFinding[] = [];
  const missing: FileFinding[] = [];
  const unreadable: FileFinding[] = [];
  const unsafe: FileFinding[] = [];
  const looseMatches: string[] = [];
  let checked = 0;
  let matched = 0;
  let bytes = 0;
  let viaSymlink = 0;

  // pbxsig's own findings, entry by entry. Only failures show a location, so it is computed for those alone.
  plan.entries.forEach((entry, k) => {
    const outcome = results.get(firstJob + k);
    if (!outcome) throw new InternalError(`no hash result for ${entry.path} of module ${plan.name}`);
    switch (outcome.status) {
      case 'match':
        checked++;
        matched++;
        bytes += outcome.size;
        if (outcome.viaLink) viaSymlink++;
        break;
      case 'mismatch': {
        checked++;
        bytes += outcome.size;
        if (outcome.viaLink) viaSymlink++;
        altered.push({
          path: entry.path,
          location: locationOf(plan, entry.path),
          expected: entry.digest,
          ...(outcome.actual ? { actual: outcome.actual } : {}),
        });
        break;
      }
      case 'missing':
        missing.push({ path: entry.path, location: locationOf(plan, entry.path), reason: outcome.reason });
        break;
      case 'unsafe':
      case 'unreadable':
        (outcome.status === 'unsafe' ? unsafe : unreadable).push({
          path: entry.path,
          location: locationOf(plan, entry.path),
          reason: outcome.reason,
        });
        break;
    }
  });

  const details = freepbxDetails(plan, results, firstJob, looseMatches);
  return {
    report: {
      listed: plan.entries.length,
      skipped: plan.skipped.length,
      checked,
      matched,
      bytes,
      viaSymlink,
      altered,
      missing,
      unreadable,
      unsafe,
    },
    freepbxDetails: details,
    looseMatches,
  };
}

// FreePBX's file checks (GPG.class.php verifyModule): for each entry of the [hashes] array PHP
// returned, in its order, "<path> missing" when the file is not there and "<path> altered" when
// hash_file('sha256') != the listed value (PHP's loose !=). The file outcomes are pbxsig's own; a
// listed path pbxsig did not open (unsafe, or a digest it refused) is counted as altered, which is
// what FreePBX finds unless the file is missing.
function freepbxDetails(plan: ModulePlan, results: HashResults, firstJob: number, looseMatches: string[]): string[] {
  const manifest = plan.sig.state === 'read' ? plan.sig.manifest : undefined;
  if (!manifest) return [];
  const details: string[] = [];
  const add = (entry: FreepbxHashEntry, expected: string, outcome: FileResult | undefined): void => {
    let detail = 'altered';
    if (outcome?.status === 'missing') detail = 'missing';
    else if (entry.digest !== null && outcome) {
      const actual = outcome.status === 'match' ? expected : outcome.status === 'mismatch' ? outcome.actual : undefined;
      if (actual !== undefined && phpLooseEquals(actual, entry.digest)) {
        if (actual !== entry.digest) looseMatches.push(entry.path);
        return;
      }
    }
    // Only a detail needs the location (most files match).
    const where = plan.spec.locate(entry.path);
    if (!('skip' in where)) details.push(`${where.location} ${detail}`);
  };

  if (manifest.freepbxHashes === manifest.entries) {
    // The common case: FreePBX checks exactly pbxsig's entries, and plan.entries are those it maps
    // to a file, in the same order.
    plan.entries.forEach((entry, k) => add(entry, entry.digest, results.get(firstJob + k)));
    return details;
  }
  const byPath = new Map<string, { digest: string; outcome: FileResult | undefined }>();
  plan.entries.forEach((entry, k) =>
    byPath.set(entry.path, { digest: entry.digest, outcome: results.get(firstJob + k) }),
  );
  for (const entry of manifest.freepbxHashes) {
    const ours = byPath.get(entry.path);
    add(entry, ours?.digest ?? '', ours?.outcome);
  }
  return details;
}

function moduleWarnings(
  read: Extract<SigState, { state: 'read' }> | undefined,
  checked: Extract<Judgement, { kind: 'checked' }> | undefined,
): Notice[] {
  const warnings: Notice[] = [...(checked?.warnings ?? [])];
  if (!read) return warnings;
  if (read.clear.linesOutside > 0) {
    warnings.push({
      code: 'TEXT_OUTSIDE_SIGNATURE',
      message: `module.sig has ${read.clear.linesOutside} non-blank lines outside the signed block; they are ignored`,
    });
  }
  if (read.clear.badHeader !== undefined) {
    warnings.push({
      code: 'CLEARSIGN_BAD_HEADER',
      message: `GnuPG refuses the armor header ${read.clear.badHeader} and reads the lines after it as signed text; so does pbxsig`,
    });
  }
  if (read.clear.unsupportedHeader !== undefined) {
    warnings.push({
      code: 'CLEARSIGN_UNSUPPORTED',
      message: `pbxsig is stricter than GnuPG here: it refuses the armor header ${JSON.stringify(read.clear.unsupportedHeader)} (text without dash-escaping), which GnuPG reads`,
    });
  }
  if (read.clear.badDashLines > 0) {
    warnings.push({
      code: 'CLEARSIGN_BAD_DASH',
      message: `${read.clear.badDashLines} line(s) of the signed text start with "-" without the "- " escape (first: line ${read.clear.firstBadDashLine}); GnuPG warns "invalid dash escaped line" and reads them as written, as pbxsig does`,
    });
  }
  const manifest = read.manifest;
  const hash = manifest?.config.hash;
  if (hash !== undefined && hash.trim().toLowerCase() !== 'sha256') {
    warnings.push({
      code: 'MANIFEST_CONFIG_HASH',
      message: `[config] says hash=${JSON.stringify(hash)}: FreePBX ignores that key and compares SHA-256 digests, and so does pbxsig`,
    });
  }
  if (manifest && manifest.entries.length === 0 && manifest.issues.length === 0) {
    warnings.push({ code: 'MANIFEST_EMPTY', message: 'the manifest lists no files' });
  }
  for (const path of manifest?.phpArrayPaths ?? []) {
    warnings.push({
      code: 'MANIFEST_PHP_ARRAY_PATH',
      message: `${JSON.stringify(path)}: PHP's INI parser reads it as an array, so FreePBX cannot check it and reports it altered or missing`,
    });
  }
  if (manifest && manifest.config.type === 'local' && Number.parseFloat(manifest.config.version ?? '1') > 1) {
    warnings.push({
      code: 'LOCAL_SIGNATURE',
      message:
        'type=local: FreePBX would take the file list from /etc/freepbx.secure and check neither signature; pbxsig checks this module.sig as written',
    });
  }
  return warnings;
}
