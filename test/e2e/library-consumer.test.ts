// A fresh project that depends on the packed tarball (`npm pack`) compiles against pbxsig's
// declarations with the strictest settings and skipLibCheck off, and runs: no exported type may reach
// openpgp.js's declarations (they import @openpgp/web-stream-tools, which a consumer does not have).
// The packed CLI runs from the same unpacked package, as a global install would run it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir } from '../helpers/modules.js';
import { REPO_ROOT } from '../helpers/paths.js';

const FIXTURES = join(REPO_ROOT, 'fixtures');

const CONSUMER = `// A program using pbxsig as a library: every command's function, with its option types.
import {
  FREEPBX_ANCHORS,
  InputError,
  auditInstallations,
  certifyKey,
  describeKeys,
  diffReports,
  exportKeys,
  generateKeys,
  revokeCertification,
  signModule,
  verifyInstallation,
  verifyModules,
} from 'pbxsig';
import type {
  AuditOptions,
  AuditReport,
  CertifyOptions,
  GenerateOptions,
  InstallationOptions,
  KeysListing,
  ModuleReport,
  SignOptions,
  SignResult,
  Verdict,
  VerifyOptions,
  VerifyReport,
} from 'pbxsig';

const [root, anchor, keys] = process.argv.slice(2) as [string, string, string];
const onModule = (m: ModuleReport): void => void m.freepbx.status;
const installation: InstallationOptions = { root, anchors: [anchor], onModule };
const report: VerifyReport = await verifyInstallation(installation);
const failing: Verdict[] = report.modules.filter((m) => !m.passed).map((m) => m.verdict);
const modules: VerifyOptions = { modules: [report.modules[0]?.directory ?? root], keys: [keys], anchors: FREEPBX_ANCHORS };
const audit: AuditOptions = { roots: [root], anchors: [anchor], threads: 'auto', unlisted: 'report' };
const audited: AuditReport = await auditInstallations(audit);
const listing: KeysListing = await describeKeys({ keys: [keys], anchors: [anchor] });
const generate: GenerateOptions = { name: 'Consumer', email: 'consumer@example.com', type: 'ed25519' };
const sign: SignOptions = { module: root, key: 'key.asc', passphrase: () => Promise.resolve(undefined), check: true };
const certify: CertifyOptions = { master: 'master.asc', key: 'developer.asc', date: new Date(0) };
const later: SignResult | undefined = undefined;
const functions = [verifyModules, signModule, generateKeys, certifyKey, revokeCertification, exportKeys];
try {
  diffReports({}, {});
} catch (error) {
  if (!(error instanceof InputError)) throw error;
}
console.log(
  JSON.stringify({
    failing: failing.sort(),
    installations: audited.summary.installations,
    keys: listing.keys.length,
    typed: [modules, generate, sign, certify, later, functions.length].length,
  }),
);
`;

let dir: string;
let cleanup: () => Promise<void>;
let packageDir: string;

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  const temp = await makeTempDir();
  dir = temp.path;
  cleanup = temp.remove;
  // The tarball npm would publish (the build is the test run's; --ignore-scripts skips prepack's).
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO_ROOT);
  assert.equal(packed.status, 0, packed.stderr);
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  const project = join(dir, 'consumer');
  packageDir = join(project, 'node_modules/pbxsig');
  mkdirSync(packageDir, { recursive: true });
  const untar = run('tar', ['-xzf', join(dir, filename), '-C', packageDir, '--strip-components=1'], dir);
  assert.equal(untar.status, 0, untar.stderr);
  // pbxsig's dependencies as npm would install them beside it (from this checkout: no network), and
  // the consumer's own tools.
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const name of [...Object.keys(pkg.dependencies), 'typescript', '@types/node']) {
    mkdirSync(join(project, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules', name), join(project, 'node_modules', name));
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        types: ['node'],
        outDir: 'dist',
      },
      files: ['index.ts'],
    }),
  );
  writeFileSync(join(project, 'index.ts'), CONSUMER);
});

after(async () => cleanup());

describe('when a fresh project depends on the packed tarball', () => {
  it('compiles with strict settings and skipLibCheck off, without openpgp.js in the program', () => {
    const project = join(dir, 'consumer');
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const r = run(process.execPath, [tsc, '-p', project, '--listFiles'], project);
    const errors = r.stdout
      .split('\n')
      .filter((l) => / error TS\d+/.test(l))
      .join('\n');
    assert.equal(errors, '', 'the consumer compiles');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const files = r.stdout.split('\n').filter((l) => l.includes('/node_modules/'));
    assert.ok(
      files.some((f) => f.includes('/pbxsig/dist/src/index.d.ts')),
      "pbxsig's own declarations are in the program",
    );
    const leaked = files.filter((f) => /\/node_modules\/(openpgp|@openpgp|piscina|yargs|cli-progress)\//.test(f));
    assert.deepEqual(leaked, [], "pbxsig's declarations reach a dependency's types");
  });

  it('runs, calling the library on the sample installation', () => {
    const project = join(dir, 'consumer');
    const r = run(
      process.execPath,
      [
        join(project, 'dist/index.js'),
        join(FIXTURES, 'installation'),
        join(FIXTURES, 'keys/demo-master.asc'),
        join(FIXTURES, 'keys'),
      ],
      project,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      failing: ['tampered', 'verified'],
      installations: 1,
      keys: 5,
      typed: 6,
    });
  });

  it("runs the packed CLI from the package's bin, as a global install would", () => {
    const r = run(
      process.execPath,
      [
        join(packageDir, 'bin/pbxsig.js'),
        'verify',
        '--root',
        join(FIXTURES, 'installation'),
        '--anchor',
        join(FIXTURES, 'keys/demo-master.asc'),
      ],
      dir,
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^FAIL dashboard +tampered/m);
    assert.match(r.stdout, /^ +unlisted +shell\.php/m);
  });
});
