// The configuration file and its site allowlist, through the CLI on a built installation, as an
// administrator uses them: an own .php file that fails the check is accepted by an allowlist entry
// (module, path, sha256) and fails again when its content changes; options win over the file and the
// report says where each setting came from; `pbxsig allowlist` turns a report into entries that make
// the same installation pass; a bad or unsafe file stops the run with exit status 2.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditReport } from '../../src/audit/types.js';
import type { ModuleReport, VerifyReport } from '../../src/index.js';
import { KNOWN_RULE } from '../../src/unlisted/known-files.js';
import { REASON } from '../../src/unlisted/policy.js';
import { buildInstallation } from '../helpers/installation.js';
import { certified, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir, sha256, writeFiles } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';

const MODULES = '/var/www/html/admin/modules';
const OWN_TOOL = '<?php // the admin\'s own report page\necho "calls today";\n';

let temp: string;
let root: string;
let anchor: TestKey;
let cleanup: () => Promise<void>;
let ownTool: string;

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function pbxsig(args: readonly string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `pbxsig verify` on the installation, trusting the test anchor unless `args` says otherwise. */
function verify(args: readonly string[], anchored = true): Run {
  return pbxsig(['verify', '--root', root, ...(anchored ? ['--anchor', anchor.fingerprint] : []), ...args]);
}

function json(run: Run): VerifyReport {
  return JSON.parse(run.stdout) as VerifyReport;
}

function moduleOf(report: VerifyReport, name: string): ModuleReport {
  const found = report.modules.find((m) => m.name === name);
  assert.ok(found, `module ${name} in the report`);
  return found;
}

/** A configuration file (mode 0644) in the temporary directory. */
async function config(name: string, text: string): Promise<string> {
  const path = join(temp, name);
  await writeFile(path, text);
  await chmod(path, 0o644);
  return path;
}

function allowEntry(module: string, path: string, content: string): string {
  return `[[allow]]\nmodule = "${module}"\npath = "${path}"\nsha256 = "${sha256(content)}"\n`;
}

before(async () => {
  const dir = await makeTempDir('pbxsig-config-e2e-');
  temp = dir.path;
  cleanup = dir.remove;
  await chmod(temp, 0o755);
  root = join(temp, 'pbx');
  anchor = await makeKey('Config Master');
  const developer = await certified(anchor, await makeKey('FreePBX Mirror'));
  const files = (name: string): Record<string, string> => ({
    'module.xml': `<module><rawname>${name}</rawname><version>17.0.3</version></module>\n`,
    [`${name}.class.php`]: '<?php\n',
  });
  const { modulesDir } = await buildInstallation(root, { anchor, developer, modules: { core: files('core') } });
  // The administrator's own page, dropped into the module after it was signed: unlisted code.
  ownTool = join(modulesDir, 'core/custom/calls.php');
  await writeFiles(join(modulesDir, 'core'), { 'custom/calls.php': OWN_TOOL });
});

after(async () => {
  await cleanup();
});

describe('pbxsig verify with a site allowlist', () => {
  it("fails the admin's own .php without one (unlisted code)", () => {
    const run = verify(['--no-config', '--json']);
    assert.equal(run.status, 1, run.stderr);
    const core = moduleOf(json(run), 'core');
    assert.equal(core.passed, false);
    assert.deepEqual(
      core.unlisted?.code.map((f) => [f.path, f.reason, f.sha256]),
      [['custom/calls.php', REASON.php, sha256(OWN_TOOL)]],
    );
  });

  it('accepts it with an allowlist entry: shown as a known file of the site, the module passes', async () => {
    const file = await config('site.conf', allowEntry('core', 'custom/calls.php', OWN_TOOL));
    const run = verify(['--config', file, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const report = json(run);
    const core = moduleOf(report, 'core');
    assert.equal(core.passed, true, core.summary);
    assert.deepEqual(core.unlisted?.code, []);
    assert.deepEqual(core.unlisted?.allowed, [
      { path: 'custom/calls.php', rule: KNOWN_RULE.site, source: 'site', sha256: sha256(OWN_TOOL) },
    ]);
    assert.equal(report.settings.sources?.['allow'], `config ${file}`);
    assert.deepEqual(report.settings.configFiles, [file]);

    const human = verify(['--config', file]);
    assert.equal(human.status, 0);
    assert.match(human.stdout, /^ok +core /m);
    assert.match(human.stdout, new RegExp(`^Settings from ${file} \\(1 allowlist entry\\)\\.$`, 'm'));
    assert.match(human.stdout, new RegExp(`known +1 unlisted file ${KNOWN_RULE.site.replace(/[()]/g, '\\$&')}`));
  });

  it('fails the module again once that file holds anything else', async () => {
    const file = await config('site.conf', allowEntry('core', 'custom/calls.php', OWN_TOOL));
    await appendFile(ownTool, 'system($_GET["c"]);\n');
    try {
      const run = verify(['--config', file, '--json']);
      assert.equal(run.status, 1, run.stderr);
      const core = moduleOf(json(run), 'core');
      assert.equal(core.passed, false);
      const changed = `${OWN_TOOL}system($_GET["c"]);\n`;
      assert.deepEqual(core.unlisted?.code, [
        {
          path: 'custom/calls.php',
          location: `${MODULES}/core/custom/calls.php`,
          reason: `${REASON.php}; not the content known for this path: sha256 ${sha256(changed)}`,
          sha256: sha256(changed),
        },
      ]);
      assert.deepEqual(core.unlisted?.allowed, []);
    } finally {
      await writeFile(ownTool, OWN_TOOL);
    }
  });

  it('does not accept the same content under another path, nor in another module', async () => {
    const file = await config(
      'elsewhere.conf',
      allowEntry('core', 'custom/other.php', OWN_TOOL) + allowEntry('framework', 'custom/calls.php', OWN_TOOL),
    );
    const run = verify(['--config', file, '--json']);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(
      moduleOf(json(run), 'core').unlisted?.code.map((f) => f.path),
      ['custom/calls.php'],
    );
  });
});

describe('pbxsig verify, options against the configuration file', () => {
  it('takes the root, the anchors, the policy and the engine from the file, and says so', async () => {
    const file = await config(
      'settings.conf',
      [
        `root = "${root}"`,
        `anchors = ["${anchor.fingerprint}"]`,
        'unlisted = "report"',
        'engine = "wasm"',
        'threads = 1',
      ].join('\n'),
    );
    const run = pbxsig(['verify', '--config', file, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const report = json(run);
    assert.equal(report.installation?.root, root);
    assert.deepEqual(report.settings.anchors, [anchor.fingerprint.toUpperCase()]);
    assert.equal(report.settings.unlisted, 'report');
    assert.equal(report.settings.engine, 'wasm');
    assert.equal(report.settings.threads, 1);
    // Reported, not failing: the policy from the file applied.
    assert.deepEqual(
      moduleOf(report, 'core').unlisted?.code.map((f) => f.path),
      ['custom/calls.php'],
    );
    assert.deepEqual(report.settings.sources, {
      root: `config ${file}`,
      keys: 'default',
      anchors: `config ${file}`,
      unlisted: `config ${file}`,
      report: 'default',
      threads: `config ${file}`,
      engine: `config ${file}`,
      allow: 'default',
    });
  });

  it('lets each option given win over the file', async () => {
    const file = await config(
      'settings.conf',
      [
        `root = "/nonexistent"`,
        'anchors = ["1111111111111111111111111111111111111111"]',
        'unlisted = "report"',
        'engine = "wasm"',
      ].join('\n'),
    );
    const run = verify(['--config', file, '--unlisted', 'fail', '--engine', 'node', '--json']);
    assert.equal(run.status, 1, run.stderr);
    const report = json(run);
    assert.equal(report.installation?.root, root);
    assert.equal(moduleOf(report, 'core').verdict, 'verified', 'the --anchor given, not the one configured');
    assert.equal(report.settings.unlisted, 'fail');
    assert.equal(report.settings.engine, 'node');
    for (const name of ['root', 'anchors', 'unlisted', 'engine'])
      assert.equal(report.settings.sources?.[name], 'option', name);
  });

  it('writes the report where the file says, unless --report says otherwise', async () => {
    const configured = join(temp, 'configured-report.json');
    const given = join(temp, 'given-report.json');
    const file = await config('report.conf', `report = "${configured}"\nunlisted = "report"\n`);
    assert.equal(verify(['--config', file, '--status']).status, 0);
    const written = JSON.parse(await readFile(configured, 'utf8')) as VerifyReport;
    assert.equal(written.settings.sources?.['report'], `config ${file}`);
    assert.equal(verify(['--config', file, '--report', given, '--status']).status, 0);
    assert.equal((JSON.parse(await readFile(given, 'utf8')) as VerifyReport).settings.sources?.['report'], 'option');
  });

  it('refuses a configured report path inside the tree being verified', async () => {
    const file = await config('inside.conf', `report = "${root}/var/www/html/report.json"\n`);
    const run = verify(['--config', file]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, new RegExp(`${file}: report ${root}/var/www/html/report.json: refusing to write inside`));
  });

  it('lets a drop-in (FILE.d/*.conf) win over the file, and names it', async () => {
    const file = await config('layered.conf', 'unlisted = "report"\n');
    await mkdir(`${file}.d`, { mode: 0o755 });
    await writeFile(`${file}.d/50-strict.conf`, 'unlisted = "fail"\n');
    await chmod(`${file}.d/50-strict.conf`, 0o644);
    const run = verify(['--config', file, '--json']);
    assert.equal(run.status, 1, run.stderr);
    const report = json(run);
    assert.equal(report.settings.sources?.['unlisted'], `config ${file}.d/50-strict.conf`);
    assert.deepEqual(report.settings.configFiles, [file, `${file}.d/50-strict.conf`]);
  });

  it('reads no file with --no-config', () => {
    const report = json(verify(['--no-config', '--json']));
    assert.deepEqual(report.settings.configFiles, []);
    assert.equal(report.settings.sources?.['unlisted'], 'default');
  });
});

describe('pbxsig verify, when the configuration file cannot be used', () => {
  const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['not TOML', 'unlisted = fail\n', /bad\.conf:1:12: not valid TOML: /],
    [
      'a misspelt key',
      '\n\nunlisted = "fail"\nengin = "node"\n',
      /bad\.conf:4: engin: unknown key; did you mean engine\?/,
    ],
    [
      'a value of the wrong kind',
      'threads = "many"\n',
      /bad\.conf:1: threads: expected a whole number or "auto", got "many"/,
    ],
    [
      'an allowlist entry with a bad digest',
      '[[allow]]\nmodule = "core"\npath = "custom/calls.php"\nsha256 = "abc"\n',
      /bad\.conf:4: allow\[0\]\.sha256: expected a SHA-256 digest/,
    ],
  ];
  for (const [what, text, message] of cases) {
    it(`stops with exit status 2 on ${what}, naming the file, the line and the key`, async () => {
      const file = await config('bad.conf', text);
      const run = verify(['--config', file]);
      assert.equal(run.status, 2, run.stdout);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    });
  }

  it('stops on a named file that does not exist', () => {
    const run = verify(['--config', join(temp, 'absent.conf')]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /absent\.conf: does not exist \(ENOENT\)/);
  });

  for (const mode of [0o664, 0o666]) {
    it(`refuses a file others may write (mode ${mode.toString(8)}), saying why`, async () => {
      const file = await config('writable.conf', allowEntry('core', 'custom/calls.php', OWN_TOOL));
      await chmod(file, mode);
      const run = verify(['--config', file]);
      assert.equal(run.status, 2);
      assert.match(
        run.stderr,
        /refusing a configuration file that .* may write .*: pbxsig reads its configuration as root at boot/,
      );
      assert.equal(run.stdout, '');
    });
  }
});

describe('pbxsig allowlist', () => {
  let reportFile: string;
  let printed: Run;
  before(() => {
    reportFile = join(temp, 'found.json');
    const run = verify(['--no-config', `--json=${reportFile}`, '--status']);
    assert.equal(run.status, 1, run.stderr);
    printed = pbxsig(['allowlist', reportFile]);
  });

  it('prints the entries for the unlisted code a report found, with a header to review them', () => {
    assert.equal(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, /REVIEW EVERY ENTRY/);
    assert.match(printed.stdout, /^# core 17\.0\.3: PHP by its extension$/m);
    assert.ok(
      printed.stdout.includes(
        `[[allow]]\nmodule = "core"\npath = "custom/calls.php"\nsha256 = "${sha256(OWN_TOOL)}"\n`,
      ),
      printed.stdout,
    );
  });

  it('prints a file that --config takes as it is: the same installation then passes', async () => {
    const file = await config('from-report.conf', printed.stdout);
    const run = verify(['--config', file, '--json']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(moduleOf(json(run), 'core').unlisted?.allowed[0]?.source, 'site');
  });

  it('reads an audit report as well, and --module keeps only that module', async () => {
    const auditFile = join(temp, 'audit.json');
    const audited = pbxsig(['audit', root, '--anchor', anchor.fingerprint, `--json=${auditFile}`, '--status']);
    assert.equal(audited.status, 1, audited.stderr);
    assert.equal((JSON.parse(await readFile(auditFile, 'utf8')) as AuditReport).installations.length, 1);
    const onlyCore = pbxsig(['allowlist', auditFile, '--module', 'core']);
    assert.equal(onlyCore.status, 0, onlyCore.stderr);
    assert.match(onlyCore.stdout, /^path = "custom\/calls\.php"$/m);
    const onlyFramework = pbxsig(['allowlist', auditFile, '-m', 'framework']);
    assert.equal(onlyFramework.status, 0, onlyFramework.stderr);
    assert.doesNotMatch(onlyFramework.stdout, /^\[\[allow\]\]$/m);
  });

  it('refuses a --module the report does not hold, and a file that is not a report (exit status 2)', async () => {
    const typo = pbxsig(['allowlist', reportFile, '--module', 'cor']);
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /--module cor: no such module in .*found\.json/);
    const notReport = join(temp, 'not-a-report.json');
    await writeFile(notReport, '{"hello": 1}\n');
    const refused = pbxsig(['allowlist', notReport]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /not-a-report\.json: not a pbxsig report/);
  });
});

describe('the packaged default configuration', () => {
  it('is valid and changes nothing: every setting in it is a comment', async () => {
    const shipped = new URL('../../../packaging/pbxsig.conf', import.meta.url);
    const file = await config('shipped.conf', await readFile(shipped, 'utf8'));
    const run = verify(['--config', file, '--json']);
    assert.equal(run.status, 1, run.stderr);
    const report = json(run);
    assert.deepEqual(
      Object.values(report.settings.sources ?? {}).filter((s) => s !== 'default' && s !== 'option'),
      [],
    );
    assert.doesNotMatch(verify(['--config', file]).stdout, /^Settings from/m, 'a file that sets nothing is not named');
  });
});
