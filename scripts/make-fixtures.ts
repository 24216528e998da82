// Builds the committed sample material in fixtures/: demo keys (a stand-in for the FreePBX master key
// and developer keys it certified, revoked or let expire) and one sample module per verdict.
// Run with `npm run fixtures`; the output is committed so `npm start` needs no set-up.
// Secret keys written here are DEMO ONLY, unprotected, and published: never trust them.

import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKey } from 'openpgp';
import type { PrivateKey, PublicKey } from 'openpgp';
import { certifyKey, revokeCertification } from '../src/keys/certify.js';
import { formatBody } from '../src/sign/body.js';
import type { BodyEntry } from '../src/sign/body.js';
import { clearsign } from '../src/sign/clearsign.js';
import { createHash } from 'node:crypto';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const day = (iso: string): Date => new Date(`${iso}T12:00:00Z`);

interface DemoKey {
  readonly secret: PrivateKey;
  public: PublicKey;
}

async function key(name: string, created: Date, expiresIn?: number): Promise<DemoKey> {
  const { privateKey } = await generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name, email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.invalid` }],
    date: created,
    ...(expiresIn !== undefined ? { keyExpirationTime: expiresIn } : {}),
    format: 'object',
  });
  return { secret: privateKey, public: privateKey.toPublic() };
}

// A small module shaped like a real FreePBX module.
const MODULE_FILES: Record<string, string> = {
  'module.xml': '<module>\n  <rawname>demo</rawname>\n  <name>Demo</name>\n  <version>17.0.1</version>\n</module>\n',
  'Demo.class.php': '<?php\nnamespace FreePBX\\modules;\nclass Demo extends \\FreePBX_Helpers implements \\BMO {\n}\n',
  'functions.inc.php': '<?php\n// Dialplan hooks for the demo module.\n',
  'install.php': '<?php\n// Nothing to install.\n',
  'page.demo.php': '<?php\necho FreePBX::create()->Demo->showPage();\n',
  'assets/js/demo.js': '$(function () { console.log("demo"); });\n',
  'assets/css/demo.css': '.demo { color: #333; }\n',
  'views/main.php': '<div class="demo"><?php echo _("Demo module"); ?></div>\n',
  'LICENSE': 'GPLv3+\n',
};

const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

async function writeModule(name: string, signer: DemoKey | undefined, signedAt: Date, edit?: (dir: string) => Promise<void>): Promise<void> {
  const dir = join(FIXTURES, 'modules', name);
  await mkdir(dir, { recursive: true });
  const entries: BodyEntry[] = [];
  for (const [path, content] of Object.entries(MODULE_FILES)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
    entries.push({ path, digest: sha256(content) });
  }
  if (signer) {
    const body = formatBody({ signedWith: signer.public.getKeyID().toHex().toUpperCase(), signedBy: 'pbxsig fixtures' }, entries);
    await writeFile(join(dir, 'module.sig'), await clearsign(body, signer.secret, { date: signedAt }));
  }
  if (edit) await edit(dir);
}

async function main(): Promise<void> {
  await rm(join(FIXTURES, 'keys'), { recursive: true, force: true });
  await rm(join(FIXTURES, 'modules'), { recursive: true, force: true });
  await mkdir(join(FIXTURES, 'keys'), { recursive: true });

  const master = await key('pbxsig Demo Master (DEMO ONLY, not FreePBX)', day('2024-01-01'));
  const developer = await key('Demo Developer', day('2024-01-02'));
  const revoked = await key('Revoked Developer', day('2024-01-02'));
  const expired = await key('Expired Developer', day('2024-01-02'), 365 * 86_400);
  const stranger = await key('Uncertified Developer', day('2024-01-02'));

  developer.public = await certifyKey(master.secret, developer.public, { date: day('2024-01-03') });
  revoked.public = await certifyKey(master.secret, revoked.public, { date: day('2024-01-03') });
  revoked.public = await revokeCertification(master.secret, revoked.public, { date: day('2025-01-01'), reason: 'demo: key withdrawn by the master' });
  expired.public = await certifyKey(master.secret, expired.public, { date: day('2024-01-03') });

  const keys = join(FIXTURES, 'keys');
  await writeFile(join(keys, 'demo-master.asc'), master.public.armor());
  await writeFile(join(keys, 'developer.asc'), developer.public.armor());
  await writeFile(join(keys, 'revoked-developer.asc'), revoked.public.armor());
  await writeFile(join(keys, 'expired-developer.asc'), expired.public.armor());
  await writeFile(join(keys, 'uncertified-developer.asc'), stranger.public.armor());
  // Secret keys for trying out signing; DEMO ONLY (see fixtures/README.md). Kept out of keys/ so that
  // `--keys fixtures/keys` reads public keys only.
  await mkdir(join(FIXTURES, 'demo-secret-keys'), { recursive: true });
  await writeFile(join(FIXTURES, 'demo-secret-keys', 'demo-master.secret.asc'), master.secret.armor());
  await writeFile(join(FIXTURES, 'demo-secret-keys', 'developer.secret.asc'), developer.secret.armor());

  const signed = day('2024-06-01');
  await writeModule('verified', developer, signed);
  await writeModule('altered-file', developer, signed, (dir) => writeFile(join(dir, 'page.demo.php'), '<?php system($_GET["c"]);\n'));
  await writeModule('missing-file', developer, signed, (dir) => rm(join(dir, 'views/main.php')));
  await writeModule('bad-signature', developer, signed, async (dir) => {
    const sig = join(dir, 'module.sig');
    const text = await readFile(sig, 'utf8');
    const digest = sha256(MODULE_FILES['LICENSE'] ?? '');
    await writeFile(sig, text.replace(digest, `${digest.slice(0, 63)}${digest.endsWith('0') ? '1' : '0'}`));
  });
  await writeModule('untrusted-signer', stranger, signed);
  await writeModule('revoked-signer', revoked, signed);
  await writeModule('expired-signer', expired, signed);
  await writeModule('unsigned', undefined, signed);
  await writeModule('unsafe-symlink', developer, signed, async (dir) => {
    await rm(join(dir, 'LICENSE'));
    await symlink('/etc/hostname', join(dir, 'LICENSE'));
  });
  process.stdout.write(`fixtures written to ${FIXTURES}\n`);
}

await main();
