// One module's report, from what its lane found and how its signature was judged. No I/O; every
// decision is delegated to decideVerdict (ours) and freepbxStatus (FreePBX's), which see the same evidence.

import { freepbxStatus } from '../freepbx/status.js';
import type { GnupgSignatureView, LocalFinding } from '../freepbx/status.js';
import type { FreepbxDetail, ManifestEvidence, ModuleEvidence } from '../check/evidence.js';
import type { ModuleTarget } from '../check/target.js';
import type { FileFinding, ModuleReport, Notice, UnlistedPolicy, UnlistedReport } from '../report/types.js';
import type { UnlistedFinding, WalkResult } from '../unlisted/walk.js';
import type { Judgement } from './judge-signature.js';
import { decideVerdict } from './verdict.js';

export interface ModuleFacts {
  readonly target: ModuleTarget;
  readonly evidence: ModuleEvidence;
  /** Absent when there was no signed text to judge. */
  readonly judgement: Judgement | undefined;
  /** A type=local module's secure manifest (/etc/freepbx.secure/<name>.sig), judged like module.sig. */
  readonly localJudgement: Judgement | undefined;
  /** Manifest entries never checked: the look stayed bounded because the signature is not good and trusted. */
  readonly unchecked: number;
  readonly unlistedPolicy: UnlistedPolicy;
  readonly now: Date;
}

export function buildModuleReport(facts: ModuleFacts): ModuleReport {
  const { target, evidence, now } = facts;
  const { sig, files } = evidence;
  const manifest = evidence.manifest?.state === 'parsed' ? evidence.manifest : undefined;
  // Both signatures of a type=local module must hold: the verdict names the first that does not.
  const localFails =
    facts.localJudgement !== undefined && !goodAndTrusted(facts.localJudgement) && goodAndTrusted(facts.judgement);
  const judgement = localFails ? facts.localJudgement : facts.judgement;
  const localPrefix = localFails ? `the local manifest ${evidence.local?.path ?? ''}: ` : '';
  const checked = judgement?.kind === 'checked' ? judgement : undefined;
  const unreadable =
    sig.state === 'unreadable'
      ? sig.problem.message
      : judgement?.kind === 'unreadable'
        ? judgement.error.message
        : undefined;

  const expiresAfter = manifest && versionAbove1(manifest.config.version) ? manifest.config.expiresAfter : undefined;
  const expired =
    expiresAfter !== undefined && expiresAfter * 1000 < now.getTime() ? unixDate(expiresAfter) : undefined;

  const decision = decideVerdict({
    signed: sig.state !== 'missing',
    ...(unreadable !== undefined ? { unreadable: `module.sig cannot be used: ${unreadable}` } : {}),
    ...(checked ? { signature: checked.check.outcome } : {}),
    ...(checked?.trust ? { trust: checked.trust.state, trustReason: `${localPrefix}${checked.trust.reason}` } : {}),
    ...(checked ? signatureFailure(checked, localPrefix) : {}),
    ...(localProblem(evidence) ?? manifestProblem(evidence.local?.manifest ?? evidence.manifest)),
    ...(expired ? { expiredSignature: expired } : {}),
    altered: files.altered.length,
    missing: files.missing.length,
    unreadableFiles: files.unreadable.length,
    unsafe: files.unsafe.length,
  });

  const unlisted = unlistedReport(target, evidence.walk);
  const moduleChecked = facts.judgement?.kind === 'checked' ? facts.judgement : undefined;
  const gnupg: GnupgSignatureView = moduleChecked ? moduleChecked.gnupg : { kind: 'unreadable' };
  const freepbx = freepbxStatus({
    signed: sig.state !== 'missing',
    signature: gnupg,
    ini: manifest
      ? { version: manifest.config.version, type: manifest.config.type, expiresAfter: manifest.config.expiresAfter }
      : undefined,
    fileDetails: manifest ? freepbxDetails(evidence.ownListDetails ?? files.freepbx) : [],
    ...localFinding(evidence, facts.localJudgement),
    now,
  });

  const rawname = evidence.identity?.rawname ?? null;
  const matchesDirectory = rawname === null || rawname === target.name;
  // In an installation FreePBX knows a module by its directory's name: a signed module under another
  // module's name is a substitution. A directory named on the command line may be called anything.
  const renamed = evidence.identity !== null && !matchesDirectory && target.layout.kind === 'installation';
  const identity = evidence.identity ? { ...evidence.identity, matchesDirectory, substituted: renamed } : null;
  const unlistedCode = unlisted?.code.length ?? 0;
  const notWalked = unlisted?.notWalked.length ?? 0;
  const extra = [
    unlistedCode > 0 ? `${unlistedCode} unlisted code ${unlistedCode === 1 ? 'file was' : 'files were'} found` : '',
    notWalked > 0 ? `${notWalked} ${notWalked === 1 ? 'place' : 'places'} could not be walked for unlisted files` : '',
    renamed ? `its signed module.xml names it ${JSON.stringify(rawname)}, not ${JSON.stringify(target.name)}` : '',
  ].filter((s) => s !== '');
  return {
    name: target.name,
    directory: target.directory,
    verdict: decision.verdict,
    summary: extra.length > 0 ? `${decision.summary}; but ${extra.join(', and ')}` : decision.summary,
    freepbx,
    signer: moduleChecked?.signer ?? null,
    manifest: manifest
      ? {
          version: manifest.config.version ?? null,
          type: manifest.config.type ?? null,
          repo: manifest.config.repo ?? null,
          signedWith: manifest.config.signedWith ?? null,
          signedBy: manifest.config.signedBy ?? null,
          expiresAfter:
            manifest.config.expiresAfter !== undefined ? unixDate(manifest.config.expiresAfter).toISOString() : null,
          entries: manifest.entries,
          issues: manifest.issues,
        }
      : null,
    identity,
    local: evidence.local
      ? {
          path: evidence.local.path,
          state: evidence.local.state,
          reason: evidence.local.state === 'refused' ? evidence.local.reason : null,
          signer: facts.localJudgement?.kind === 'checked' ? facts.localJudgement.signer : null,
        }
      : null,
    files: {
      listed: files.listed,
      skipped: files.skipped,
      checked: files.checked,
      matched: files.matched,
      bytes: files.bytes,
      viaSymlink: files.viaSymlink,
      altered: files.altered,
      missing: files.missing,
      unreadable: files.unreadable,
      unsafe: files.unsafe,
    },
    unlisted,
    passed:
      decision.verdict === 'verified' && !renamed && !(facts.unlistedPolicy === 'fail' && unlistedFails(unlisted)),
    warnings: moduleWarnings(evidence, checked, facts.unchecked),
  };
}

// Dates end 100 million days either side of 1970 (±8.64e15 ms); module.sig's expiresafter is any
// number its writer chose (1e20, 1e999), and FreePBX compares it as a number: beyond that range it is
// reported as the last (or first) date there is, which compares with the clock the same way.
const LAST_MS = 8.64e15;

function unixDate(seconds: number): Date {
  return new Date(Math.max(-LAST_MS, Math.min(LAST_MS, seconds * 1000)));
}

function versionAbove1(version: string | undefined): boolean {
  return version !== undefined && Number.parseFloat(version) > 1;
}

// What FreePBX lists for the files, in manifest order.
function freepbxDetails(details: readonly FreepbxDetail[]): string[] {
  return [...details].sort((a, b) => a.line - b.line).map((d) => d.text);
}

function goodAndTrusted(judgement: Judgement | undefined): boolean {
  return judgement?.kind === 'checked' && judgement.check.outcome === 'good' && judgement.trust?.state === 'trusted';
}

// A type=local module without a usable secure manifest has no file list pbxsig can trust.
function localProblem(evidence: ModuleEvidence): { manifestProblem: string } | undefined {
  const local = evidence.local;
  if (!local || local.state === 'read') return undefined;
  if (local.state === 'absent') {
    return {
      manifestProblem: `type=local, but its file list ${local.path} is absent: nothing signed says what the module holds`,
    };
  }
  return { manifestProblem: `type=local, and its file list ${local.path} cannot be used: ${local.reason}` };
}

// What FreePBX's processLocalSig() would find, for its status.
function localFinding(evidence: ModuleEvidence, localJudgement: Judgement | undefined): { local?: LocalFinding } {
  const local = evidence.local;
  if (!local) return {};
  if (local.state === 'absent') return { local: { kind: 'no-secure-directory' } };
  if (local.state === 'refused') return { local: { kind: 'exception', message: local.reason } };
  const trusted =
    localJudgement?.kind === 'checked' &&
    localJudgement.gnupg.kind === 'good' &&
    localJudgement.gnupg.signer === 'trusted';
  return { local: { kind: 'secure', trusted, fileDetails: freepbxDetails(evidence.files.freepbx) } };
}

// Unlisted code fails the module, and so does every place the walk could not look into: a
// directory it cannot read may hide exactly what it looks for. Both follow --unlisted.
function unlistedFails(unlisted: UnlistedReport | null): boolean {
  return unlisted !== null && (unlisted.code.length > 0 || unlisted.notWalked.length > 0);
}

function unlistedReport(target: ModuleTarget, walk: WalkResult | null): UnlistedReport | null {
  if (!walk) return null;
  const located = (f: UnlistedFinding): FileFinding => ({
    path: f.path,
    location: f.path === '.' ? target.directory : `${target.directory}/${f.path}`,
    reason: f.reason,
    ...(f.pathHex !== undefined ? { pathHex: f.pathHex } : {}),
    ...(f.sha256 !== undefined ? { sha256: f.sha256 } : {}),
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

function signatureFailure(
  checked: Extract<Judgement, { kind: 'checked' }>,
  prefix: string,
): { signatureFailure?: string } {
  const { check } = checked;
  if (check.outcome === 'bad') return { signatureFailure: `${prefix}${check.reason}` };
  if (check.outcome === 'no-key')
    return {
      signatureFailure: `${prefix}no key with ID ${check.facts.issuerKeyId} among the loaded keys (pass it with --keys)`,
    };
  return {};
}

function manifestProblem(manifest: ManifestEvidence | null): { manifestProblem?: string } {
  if (!manifest) return {};
  if (manifest.state === 'refused')
    return { manifestProblem: `the signed manifest is invalid: ${manifest.problem.message}` };
  const first = manifest.issues[0];
  if (!first) return {};
  const count = manifest.issueCount;
  const more = count > 1 ? ` (and ${count - 1} more)` : '';
  return {
    manifestProblem: `the signed manifest has entries pbxsig refuses: line ${first.line}: ${first.message}${more}`,
  };
}

function moduleWarnings(
  evidence: ModuleEvidence,
  checked: Extract<Judgement, { kind: 'checked' }> | undefined,
  unchecked: number,
): Notice[] {
  const warnings: Notice[] = [...(checked?.warnings ?? [])];
  const { sig } = evidence;
  const manifest = evidence.manifest?.state === 'parsed' ? evidence.manifest : undefined;
  if (sig.state === 'read') warnings.push(...framingWarnings(sig));
  for (const path of evidence.files.looseMatches) {
    warnings.push({
      code: 'FREEPBX_LOOSE_MATCH',
      message: `${JSON.stringify(path)} is altered, but FreePBX's loose != reads both digests as the same number and takes it as unchanged`,
    });
  }
  const hash = manifest?.config.hash;
  if (hash !== undefined && hash.trim().toLowerCase() !== 'sha256') {
    warnings.push({
      code: 'MANIFEST_CONFIG_HASH',
      message: `[config] says hash=${JSON.stringify(hash)}: FreePBX ignores that key and compares SHA-256 digests, and so does pbxsig`,
    });
  }
  if (unchecked > 0) {
    warnings.push({
      code: 'FILES_NOT_CHECKED',
      message: `${unchecked} listed ${unchecked === 1 ? 'file was' : 'files were'} not checked: ${evidence.rest?.reason ?? 'the look stayed bounded'}, and it is not`,
    });
  }
  if (manifest && manifest.entries === 0) {
    warnings.push({ code: 'MANIFEST_EMPTY', message: 'the manifest lists no files' });
  }
  for (const path of manifest?.phpArrayPaths ?? []) {
    warnings.push({
      code: 'MANIFEST_PHP_ARRAY_PATH',
      message: `${JSON.stringify(path)}: PHP's INI parser reads it as an array, so FreePBX cannot check it and reports it altered or missing`,
    });
  }
  if (manifest && manifest.config.type === 'local' && versionAbove1(manifest.config.version)) {
    warnings.push({
      code: 'LOCAL_SIGNATURE',
      message:
        "type=local: FreePBX checks module.sig's own list only when it trusts module.sig; otherwise it takes the list from the secure manifest in /etc/freepbx.secure (module.sig's own when there is none) and checks no signature",
    });
  }
  return warnings;
}

// How module.sig's clear-signed framing strays from the standard, where GnuPG reads it anyway.
function framingWarnings(sig: Extract<ModuleEvidence['sig'], { state: 'read' }>): Notice[] {
  const warnings: Notice[] = [];
  const { framing } = sig;
  if (sig.linesOutside > 0) {
    warnings.push({
      code: 'TEXT_OUTSIDE_SIGNATURE',
      message: `module.sig has ${sig.linesOutside} non-blank lines outside the signed block; they are ignored`,
    });
  }
  if (framing.badHeader !== undefined) {
    warnings.push({
      code: 'CLEARSIGN_BAD_HEADER',
      message: `GnuPG refuses the armor header ${framing.badHeader} and reads the lines after it as signed text; so does pbxsig`,
    });
  }
  if (framing.unsupportedHeader !== undefined) {
    warnings.push({
      code: 'CLEARSIGN_UNSUPPORTED',
      message: `pbxsig is stricter than GnuPG here: it refuses the armor header ${JSON.stringify(framing.unsupportedHeader)} (text without dash-escaping), which GnuPG reads`,
    });
  }
  if (framing.badDashLines > 0) {
    warnings.push({
      code: 'CLEARSIGN_BAD_DASH',
      message: `${framing.badDashLines} line(s) of the signed text start with "-" without the "- " escape (first: line ${framing.firstBadDashLine ?? '?'}); GnuPG warns "invalid dash escaped line" and reads them as written, as pbxsig does`,
    });
  }
  return warnings;
}
