// The library as a program would use it (src/index.ts): every CLI command as a function, anchors as
// fingerprints or key files, and results that match the shipped schemas.

import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import {
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
} from '../../src/index.js';
import { makeTempDir } from '../helpers/modules.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { describeErrors, loadSchemas } from '../helpers/schemas.js';
import type { SchemaName } from '../helpers/schemas.js';

const FIXTURES = join(REPO_ROOT, 'fixtures');
const ANCHOR_FILE = join(FIXTURES, 'keys/demo-master.asc');
const INSTALLATION = join(FIXTURES, 'installation');

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

function assertValid(name: SchemaName, document: unknown): void {
  assert.ok(schemas[name](document), `${name}: ${describeErrors(schemas[name].errors)}`);
}

describe('when the library verifies with an anchor given as a key file', () => {
  it('verifyInstallation judges the sample installation as the CLI does', async () => {
    const report = await verifyInstallation({ root: INSTALLATION, anchors: [ANCHOR_FILE], threads: 1 });
    assertValid('report', report);
    const failed = report.modules.filter((m) => !m.passed).map((m) => `${m.name} ${m.verdict}`);
    assert.deepEqual(failed.sort(), ['dashboard tampered', 'voicemail verified']);
    assert.ok(report.settings.keyFiles.includes(ANCHOR_FILE), 'the anchor file is read as key material too');
  });

  it('verifyModules takes the same anchor by fingerprint', async () => {
    const [fingerprint] = (await describeKeys({ keys: [ANCHOR_FILE], anchors: [ANCHOR_FILE] })).anchors;
    assert.ok(fingerprint);
    const report = await verifyModules({
      modules: [join(FIXTURES, 'modules/verified')],
      keys: [join(FIXTURES, 'keys')],
      anchors: [fingerprint],
    });
    assert.equal(report.modules[0]?.verdict, 'verified');
  });

  it('auditInstallations reports an unreadable root and matches the audit schema', async () => {
    const audit = await auditInstallations({ roots: [INSTALLATION, join(dir, 'none')], anchors: [ANCHOR_FILE] });
    assertValid('audit', audit);
    assert.deepEqual(
      audit.installations.map((i) => i.status),
      ['findings', 'unreadable'],
    );
    const diff = diffReports(audit, audit);
    assertValid('diff', diff);
    assert.equal(diff.noRegression, true);
  });

  it('refuses an anchor file that holds several keys, naming it', async () => {
    const many = join(dir, 'many.asc');
    writeFileSync(many, await exportKeys({ keys: [join(FIXTURES, 'keys')] }));
    await assert.rejects(verifyInstallation({ root: INSTALLATION, anchors: [many] }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'ANCHOR_INVALID');
      assert.match(error.message, /many\.asc/);
      return true;
    });
  });

  it('diffReports refuses a document that is not a pbxsig report', () => {
    assert.throws(
      () => diffReports({ schema: 'something/else' }, {}),
      (error: unknown) => error instanceof InputError && /earlier report/.test(error.message),
    );
  });
});

describe('when the library makes keys and signs', () => {
  it('generates, certifies, signs, verifies, then revokes: the module turns revoked', async () => {
    const master = await generateKeys({ name: 'Library Master', email: 'master@example.com', type: 'rsa' });
    const developer = await generateKeys({
      name: 'Library Developer',
      email: 'dev@example.com',
      passphrase: 'correct horse',
    });
    assert.equal(developer.protected, true);
    const files = {
      masterSecret: join(dir, 'master.secret.asc'),
      masterPublic: join(dir, 'master.pub.asc'),
      developerSecret: join(dir, 'dev.secret.asc'),
      developerPublic: join(dir, 'dev.pub.asc'),
      certified: join(dir, 'dev.certified.asc'),
      revoked: join(dir, 'dev.revoked.asc'),
    };
    writeFileSync(files.masterSecret, master.secretKey, { mode: 0o600 });
    writeFileSync(files.masterPublic, master.publicKey);
    writeFileSync(files.developerSecret, developer.secretKey, { mode: 0o600 });
    writeFileSync(files.developerPublic, developer.publicKey);

    const certified = await certifyKey({ master: files.masterSecret, key: files.developerPublic });
    assert.equal(certified.fingerprint, developer.fingerprint);
    writeFileSync(files.certified, certified.publicKey);

    const module = join(dir, 'mymodule');
    cpSync(join(FIXTURES, 'modules/verified'), module, { recursive: true });
    const asked: string[] = [];
    const signed = await signModule({
      module,
      key: files.developerSecret,
      passphrase: () => {
        asked.push('passphrase');
        return Promise.resolve('correct horse');
      },
      check: { keys: [files.certified], anchors: [files.masterPublic] },
    });
    assertValid('sign', signed);
    assert.deepEqual(asked, ['passphrase'], 'the passphrase function is asked once, for a protected key');
    assert.equal(signed.check?.modules[0]?.verdict, 'verified');

    const listing = await describeKeys({ keys: [files.certified, files.masterPublic], anchors: [files.masterPublic] });
    assertValid('keys-list', listing);
    assert.equal(listing.keys.find((k) => k.fingerprint === developer.fingerprint)?.trust.state, 'trusted');

    const revoked = await revokeCertification({ master: files.masterSecret, key: files.certified, reason: 'key lost' });
    writeFileSync(files.revoked, revoked.publicKey);
    const after = await verifyModules({ modules: [module], keys: [files.revoked], anchors: [files.masterPublic] });
    assert.equal(after.modules[0]?.verdict, 'revoked');
  });

  it('signModule refuses a protected key without a passphrase, naming the key file', async () => {
    const key = await generateKeys({ name: 'Locked', email: 'locked@example.com', passphrase: 'secret' });
    const file = join(dir, 'locked.secret.asc');
    writeFileSync(file, key.secretKey, { mode: 0o600 });
    const module = join(dir, 'locked-module');
    cpSync(join(FIXTURES, 'modules/verified'), module, { recursive: true });
    await assert.rejects(signModule({ module, key: file }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'PASSPHRASE_REQUIRED');
      assert.match(error.message, /locked\.secret\.asc/);
      return true;
    });
  });
});
