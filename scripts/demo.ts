// `npm start`: runs pbxsig on the bundled samples (fixtures/modules) exactly as a user would, then
// says what each result shows. Exits 0 when every sample got the verdict it exists to demonstrate.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VerifyReport } from '../src/report/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin/pbxsig.js');

const SAMPLES: Record<string, { verdict: string; shows: string }> = {
  verified: { verdict: 'verified', shows: 'a good signature by a developer key the demo master certified; every file matches' },
  'altered-file': { verdict: 'tampered', shows: 'page.demo.php was replaced by a web shell; its SHA-256 no longer matches' },
  'missing-file': { verdict: 'tampered', shows: 'views/main.php was deleted' },
  'bad-signature': { verdict: 'bad-signature', shows: 'one hex digit of module.sig was changed after signing' },
  'untrusted-signer': { verdict: 'untrusted-signer', shows: 'a valid signature, but by a key the master never certified (FreePBX: 7)' },
  'revoked-signer': { verdict: 'revoked', shows: 'the master revoked its certification of the signing key (FreePBX: 64)' },
  'expired-signer': { verdict: 'expired', shows: 'the signing key expired after it signed (FreePBX: 33)' },
  unsigned: { verdict: 'unsigned', shows: 'no module.sig at all (FreePBX: 8)' },
  'unsafe-symlink': { verdict: 'tampered', shows: 'LICENSE is a link to /etc/hostname, outside the module: reported unsafe, never read' },
};

const modules = readdirSync(join(ROOT, 'fixtures/modules')).sort().map((name) => join('fixtures/modules', name));
const args = ['verify', ...modules, '--keys', 'fixtures/keys', '--anchor', 'fixtures/keys/demo-master.asc'];

process.stdout.write(`$ pbxsig ${args.join(' ')}\n\n`);
const shown = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: 'inherit' });
process.stdout.write(`(exit status ${shown.status}: 1 means some module failed, as several samples are meant to)\n\nWhat each sample shows:\n`);

const json = spawnSync(process.execPath, [CLI, ...args, '--json'], { cwd: ROOT, encoding: 'utf8' });
const report = JSON.parse(json.stdout) as VerifyReport;
let unexpected = 0;
for (const module of report.modules) {
  const sample = SAMPLES[module.name];
  const ok = sample?.verdict === module.verdict;
  if (!ok) unexpected++;
  process.stdout.write(`  ${module.name.padEnd(17)} ${ok ? '' : `UNEXPECTED (wanted ${sample?.verdict ?? '?'}) `}${sample?.shows ?? ''}\n`);
}
process.stdout.write(
  unexpected === 0
    ? '\nEvery sample got the verdict it demonstrates. The demo master key is not FreePBX\'s; real installations are\nchecked against FreePBX\'s own master keys by default (see README).\n'
    : `\n${unexpected} sample(s) did not get the expected verdict.\n`,
);
process.exitCode = unexpected === 0 ? 0 : 1;
