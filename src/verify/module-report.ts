// Assemble one module's report from what the coordinator gathered: the manifest, the signature
// judgement and the file outcomes. No I/O; every decision is delegated to decideVerdict (ours) and
// freepbxStatus (FreePBX's), which see the same evidence.

import { InternalError } from '../errors.js';
import type { ManifestError } from '../errors.js';
import { freepbxStatus } from '../freepbx/status.js';
import type { GnupgSignatureView } from '../freepbx/status.js';
import type { HashResults } from '../hash/results.js';
import type { UnlistedFinding, WalkResult } from '../unlisted/walk.js';
import type { Clearsigned } from '../manifest/cleartext.js';
import type { Manifest } from '../manifest/types.js';
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

  return {
    name: plan.name,
    directory: plan.directory,
    verdict: decision.verdict,
    summary: withUnlisted(decision.summary, unlisted),
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
          entries: manifest.entries.length + manifest.issues.length,
          issues: manifest.issues,
        }
      : null,
    files: files.report,
    unlisted: unlisted,
    passed: decision.verdict === 'verified' && !(evidence.unlistedPolicy === 'fail' && unlistedFails(unlisted)),
    warnings: moduleWarnings(read, checked),
  };
}

// Unlisted code fails the module, and so does every place the walk could not look into: a
// directory it cannot read may hide exactly what it looks for. Both follow --unlisted.
function unlistedFails(unlisted: UnlistedReport | null): boolean {
  return unlisted !== null && (unlisted.code.length > 0 || unlisted.notWalked.length > 0);
}

function withUnlisted(summary: string, unlisted: UnlistedReport | null): string {
  const parts: string[] = [];
  const code = unlisted?.code.length ?? 0;
  const notWalked = unlisted?.notWalked.length ?? 0;
  if (code > 0) parts.push(`${code} unlisted code ${code === 1 ? 'file was' : 'files were'} found`);
  if (notWalked > 0)
    parts.push(`${notWalked} ${notWalked === 1 ? 'place' : 'places'} could not be walked for unlisted files`);
  return parts.length > 0 ? `${summary}; but ${parts.join(', and ')}` : summary;
}

function unlistedReport(plan: ModulePlan, walk: WalkResult | undefined): UnlistedReport | null {
  if (!walk) return null;
  const located = (f: UnlistedFinding): FileFinding => ({
    path: f.path,
    location: f.path === '.' ? plan.directory : `${plan.directory}/${f.path}`,
    reason: f.reason,
    ...(f.pathHex !== undefined ? { pathHex: f.pathHex } : {}),
  });
  // The module directory itself could not be walked: one place, the whole module.
  const notWalked = walk.error !== undefined ? [{ path: '.', reason: walk.error }] : walk.notWalked;
  return {
    code: walk.code.map(located),
    allowed: walk.allowed,
    runtime: walk.runtime,
    other: walk.other,
    otherSample: walk.otherSample,
    notWalked: notWalked.map(located),
    notes: walk.notes.map(located),
    links: walk.links,
    unreadable: notWalked.map((f) => `${f.path}: ${f.reason}`),
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
}

function collectFiles(plan: ModulePlan, results: HashResults, firstJob: number): CollectedFiles {
  const altered: FileFinding[] = [];
  const missing: FileFinding[] = [];
  const unreadable: FileFinding[] = [];
  const unsafe: FileFinding[] = [];
  const details: Array<{ line: number; text: string }> = [];
  const phpArray = new Set(plan.sig.state === 'read' ? plan.sig.manifest?.phpArrayPaths : []);
  let checked = 0;
  let matched = 0;
  let bytes = 0;
  let viaSymlink = 0;

  // Only failures show a location, so it is computed for those alone.
  plan.entries.forEach((entry, k) => {
    const outcome = results.get(firstJob + k);
    if (!outcome) throw new InternalError(`no hash result for ${entry.path} of module ${plan.name}`);
    switch (outcome.status) {
      case 'match':
        checked++;
        matched++;
        bytes += outcome.size;
        if (outcome.viaLink) viaSymlink++;
        // PHP reads `a[b] = ...` as an array, so FreePBX can never match such a file.
        if (phpArray.has(entry.path))
          details.push({ line: entry.line, text: `${locationOf(plan, entry.path)} altered` });
        break;
      case 'mismatch': {
        checked++;
        bytes += outcome.size;
        if (outcome.viaLink) viaSymlink++;
        const location = locationOf(plan, entry.path);
        altered.push({
          path: entry.path,
          location,
          expected: entry.digest,
          ...(outcome.actual ? { actual: outcome.actual } : {}),
        });
        details.push({ line: entry.line, text: `${location} altered` });
        break;
      }
      case 'missing': {
        const location = locationOf(plan, entry.path);
        missing.push({ path: entry.path, location, reason: outcome.reason });
        details.push({ line: entry.line, text: `${location} missing` });
        break;
      }
      case 'unsafe':
      case 'unreadable': {
        // FreePBX's hash_file() fails on these (false != digest), or hashes what lies outside.
        const location = locationOf(plan, entry.path);
        (outcome.status === 'unsafe' ? unsafe : unreadable).push({
          path: entry.path,
          location,
          reason: outcome.reason,
        });
        details.push({ line: entry.line, text: `${location} altered` });
        break;
      }
    }
  });

  // Entries we refused to touch: FreePBX would have checked them; count them as altered there.
  if (plan.sig.state === 'read') {
    for (const issue of plan.sig.manifest?.issues ?? []) {
      if ((issue.code === 'MANIFEST_UNSAFE_PATH' || issue.code === 'MANIFEST_BAD_DIGEST') && issue.path !== undefined) {
        details.push({ line: issue.line, text: `${plan.directory}/${issue.path} altered` });
      }
    }
  }
  details.sort((a, b) => a.line - b.line);

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
    freepbxDetails: details.map((d) => d.text),
  };
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
  const manifest = read.manifest;
  if (manifest && manifest.entries.length === 0 && manifest.issues.length === 0) {
    warnings.push({ code: 'MANIFEST_EMPTY', message: 'the manifest lists no files' });
  }
  for (const path of manifest?.phpArrayPaths ?? []) {
    warnings.push({
      code: 'MANIFEST_PHP_ARRAY_PATH',
      message: `${JSON.stringify(path)} contains "[": FreePBX's INI parser cannot check it and reports it altered`,
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
