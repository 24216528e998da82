// Every report format pbxsig writes validates against the JSON Schema it ships (schema/), on real runs
// of the CLI over the sample material: verify (an installation, and module directories of every
// verdict), audit (--json and --ndjson), diff, keys list and sign.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { makeTempDir } from '../helpers/modules.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';
import { describeErrors, loadSchemas } from '../helpers/schemas.js';
import type { SchemaName } from '../helpers/schemas.js';

const FIXTURES = join(REPO_ROOT, 'fixtures');
const ANCHOR = join(FIXTURES, 'keys/demo-master.asc');
const INSTALLATION = join(FIXTURES, 'installation');
const MODULES = [
  'altered-file',
  'bad-signature',
  'expired-signer',
  'missing-file',
  'revoked-signer',
  'unlisted-shell',
  'unsafe-symlink',
  'unsigned',
  'untrusted-signer',
  'verified',
].map((m) => join(FIXTURES, 'modules', m));

function pbxsig(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function assertValid(validate: ValidateFunction, document: unknown, what: string): void {
  assert.ok(validate(document), `${what} does not match its schema:\n${describeErrors(validate.errors)}`);
}

let schemas: Record<SchemaName, ValidateFunction>;
let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  schemas = loadSchemas({ strict: true });
  const temp = await makeTempDir();
  dir = temp.path;
  cleanup = temp.remove;
});

after(async () => cleanup());

describe('when pbxsig verify writes a report', () => {
  it('matches schema/report.schema.json for an installation (--json on stdout and --report)', () => {
    const file = join(dir, 'installation.json');
    const r = pbxsig('verify', '--root', INSTALLATION, '--anchor', ANCHOR, '--json', '--report', file);
    assert.equal(r.status, 1, r.stderr);
    const printed = JSON.parse(r.stdout) as { installation: unknown; modules: unknown[] };
    assertValid(schemas.report, printed, 'verify --root --json');
    assertValid(schemas.report, JSON.parse(readFileSync(file, 'utf8')), 'verify --report');
    assert.notEqual(printed.installation, null);
  });

  it('matches it for module directories with every verdict', () => {
    const r = pbxsig('verify', ...MODULES, '--keys', join(FIXTURES, 'keys'), '--anchor', ANCHOR, '--json');
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { modules: Array<{ verdict: string }> };
    assertValid(schemas.report, report, 'verify DIR... --json');
    const verdicts = new Set(report.modules.map((m) => m.verdict));
    for (const verdict of [
      'verified',
      'tampered',
      'bad-signature',
      'untrusted-signer',
      'revoked',
      'expired',
      'unsigned',
    ])
      assert.ok(verdicts.has(verdict), `the samples should include a ${verdict} module`);
  });

  it('is refused when a required field is missing or a verdict is unknown (the schema can fail)', () => {
    const r = pbxsig(
      'verify',
      join(FIXTURES, 'modules/verified'),
      '--keys',
      join(FIXTURES, 'keys'),
      '--anchor',
      ANCHOR,
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { summary?: unknown; modules: Array<{ verdict: string }> };
    const withoutSummary = { ...report };
    delete withoutSummary.summary;
    assert.equal(schemas.report(withoutSummary), false);
    const module = report.modules[0];
    assert.ok(module);
    assert.equal(schemas.report({ ...report, modules: [{ ...module, verdict: 'trusted-enough' }] }), false);
    assert.equal(schemas.report({ ...report, surprise: 1 }), false, 'the tests use the schemas strictly');
  });
});

describe('when pbxsig audit writes its reports', () => {
  let auditFile: string;

  before(() => {
    auditFile = join(dir, 'audit.json');
  });

  it('matches schema/audit.schema.json, an unreadable installation included', () => {
    const r = pbxsig('audit', INSTALLATION, join(dir, 'no-such-root'), '--anchor', ANCHOR, '--json', auditFile);
    assert.equal(r.status, 1, r.stderr);
    const audit = JSON.parse(readFileSync(auditFile, 'utf8')) as { installations: Array<{ status: string }> };
    assertValid(schemas.audit, audit, 'audit --json');
    assert.deepEqual(audit.installations.map((i) => i.status).sort(), ['findings', 'unreadable']);
  });

  it('prints --ndjson lines that each match schema/audit-ndjson.schema.json', () => {
    const r = pbxsig('audit', INSTALLATION, join(dir, 'no-such-root'), '--anchor', ANCHOR, '--ndjson');
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    const types = lines.map((line, n) => {
      const parsed = JSON.parse(line) as { type: string };
      assertValid(schemas['audit-ndjson'], parsed, `--ndjson line ${n + 1}`);
      return parsed.type;
    });
    assert.deepEqual([...new Set(types)].sort(), ['audit', 'installation', 'module']);
    assert.equal(types.at(-1), 'audit');
  });

  it('diffs two reports into a document matching schema/diff.schema.json', () => {
    // An earlier verify report of the same installation, then the audit: the diff reads both kinds.
    const earlier = join(dir, 'earlier.json');
    assert.equal(pbxsig('verify', '--root', INSTALLATION, '--anchor', ANCHOR, '--report', earlier).status, 1);
    const r = pbxsig('diff', earlier, auditFile, '--json');
    assert.equal(r.status, 0, r.stderr);
    const diff = JSON.parse(r.stdout) as { installations: { added: string[] } };
    assertValid(schemas.diff, diff, 'diff --json');
    // Installations are matched by name: the missing root is named by its last path component.
    assert.deepEqual(diff.installations.added, ['no-such-root']);
  });
});

describe('when the keys and sign commands print JSON', () => {
  it('keys list --json matches schema/keys-list.schema.json', () => {
    const r = pbxsig('keys', 'list', '--keys', join(FIXTURES, 'keys'), '--anchor', ANCHOR, '--json');
    assert.equal(r.status, 0, r.stderr);
    const listing = JSON.parse(r.stdout) as { keys: unknown[] };
    assertValid(schemas['keys-list'], listing, 'keys list --json');
    assert.equal(listing.keys.length, 5);
  });

  it('sign --json (with --check) matches schema/sign.schema.json', () => {
    const module = join(dir, 'mymodule');
    cpSync(join(FIXTURES, 'modules/verified'), module, { recursive: true });
    const r = pbxsig(
      'sign',
      module,
      '--key',
      join(FIXTURES, 'demo-secret-keys/developer.secret.asc'),
      '--check',
      '--keys',
      join(FIXTURES, 'keys'),
      '--anchor',
      ANCHOR,
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { check?: unknown };
    assertValid(schemas.sign, result, 'sign --json');
    assert.ok(result.check, 'the check was made and reported');
  });
});
