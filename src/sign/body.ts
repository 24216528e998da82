// The FreePBX module.sig body (the text that gets clear-signed), exactly as FreePBX's sign.php writes
// it: a banner, [config], [hashes] sorted byte-wise, ";# End". Pure.

export const BANNER = [
  ';################################################',
  ';#        FreePBX Module Signature File         #',
  ';################################################',
  ';# Do not alter the contents of this file!  If  #',
  ';# this file is tampered with, the module will  #',
  ';# fail validation and be marked as invalid!    #',
  ';################################################',
].join('\n');

export interface BodyConfig {
  /** Long key ID or fingerprint of the signing key (informational: verifiers use the packet). */
  readonly signedWith: string;
  readonly signedBy?: string;
  readonly repo?: string;
  /** "public" (default) or "local". */
  readonly type?: string;
  /** Unix time after which FreePBX treats the signature as revoked. */
  readonly expiresAfter?: number;
  /** 2 (sign.php, default) or 1 (the mirror's format). */
  readonly version?: 1 | 2;
}

export interface BodyEntry {
  readonly path: string;
  readonly digest: string;
}

export function formatBody(config: BodyConfig, entries: readonly BodyEntry[]): string {
  const version = config.version ?? 2;
  const lines = [BANNER, '', '[config]', `version=${version}`, 'hash=sha256', `signedwith=${config.signedWith}`];
  lines.push(`signedby=${config.signedBy ?? 'pbxsig'}`, `repo=${config.repo ?? 'manual'}`);
  if (version > 1) {
    lines.push(`type=${config.type ?? 'public'}`);
    if (config.expiresAfter !== undefined) lines.push(`expiresafter=${config.expiresAfter}`);
  }
  lines.push('[hashes]');
  // Byte-wise order, as PHP's sort() of scandir() results gives for ASCII names.
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (const entry of sorted) lines.push(`${entry.path} = ${entry.digest}`);
  lines.push(';# End', '');
  return lines.join('\n');
}
