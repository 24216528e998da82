// The lane's work for one module, called directly: what it reads, what it hands over for judging,
// where a first look stops, and what a continuation refuses.

import assert from 'node:assert/strict';
import { appendFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkModule } from '../../../src/check/check-module.js';
import type { ModuleUnit } from '../../../src/check/check-module.js';
import type { SignedText } from '../../../src/check/evidence.js';
import type { ModuleTarget } from '../../../src/check/target.js';
import { createLaneTools } from '../../../src/lanes/run-unit.js';
import type { LaneTools } from '../../../src/check/check-module.js';
import { DEFAULT_LIMITS } from '../../../src/manifest/types.js';
import { makeKey } from '../../helpers/keys.js';
import type { TestKey } from '../../helpers/keys.js';
import { makeTempDir, signModule, writeFiles } from '../../helpers/modules.js';

let dir = '';
let key: TestKey;
let tools: LaneTools;
let cleanup: () => Promise<void> = () => Promise.resolve();

before(async () => {
  const temp = await makeTempDir('pbxsig-check-');
  dir = await realpath(temp.path);
  cleanup = temp.remove;
  key = await makeKey('Check Module');
  tools = await createLaneTools('node');
});

after(() => cleanup());

function target(name: string): ModuleTarget {
  const real = join(dir, name);
  return {
    name,
    directory: real,
    root: '/',
    confine: real,
    moduleDir: real.slice(1),
    layout: { kind: 'module-directory' },
  };
}

function unit(name: string, extra: Partial<ModuleUnit> = {}): ModuleUnit {
  return {
    kind: 'module',
    target: target(name),
    unlisted: 'fail',
    limits: DEFAULT_LIMITS,
    look: { files: 3, bytes: 1 << 20 },
    ...extra,
  };
}

async function module(name: string, files: Record<string, string>): Promise<void> {
  await writeFiles(join(dir, name), files);
  await signModule(join(dir, name), key);
}

describe('checkModule', () => {
  it('hands over the signed text before reporting files, and reads the identity from a matching module.xml', async () => {
    await module('small', {
      'module.xml': '<module><rawname>small</rawname><version>2.0</version></module>',
      'a.php': '<?php',
    });
    const texts: SignedText[] = [];
    const evidence = checkModule(unit('small'), tools, (t) => texts.push(t));
    assert.equal(texts.length, 1);
    assert.equal(texts[0]?.role, 'module');
    assert.ok(evidence.sig.state === 'read' && evidence.sig.digest === texts[0]?.digest);
    assert.equal(evidence.files.matched, 2);
    assert.deepEqual(evidence.identity, { rawname: 'small', version: '2.0' });
    assert.equal(evidence.rest, null);
    assert.ok(evidence.walk, 'a module checked whole is walked');
  });

  it('stops a first look at the bound and says where to go on, without walking', async () => {
    await module('large', { '1.txt': '1', '2.txt': '2', '3.txt': '3', '4.txt': '4', '5.txt': '5' });
    const evidence = checkModule(unit('large'), tools, () => undefined);
    assert.equal(evidence.files.listed, 3);
    assert.equal(evidence.rest?.from, 3);
    assert.equal(evidence.walk, null);
  });

  it('goes on from where the first look stopped, without handing the text over again', () => {
    const first = checkModule(unit('large'), tools, () => undefined);
    assert.ok(first.sig.state === 'read');
    const texts: SignedText[] = [];
    const rest = checkModule(unit('large', { continueFrom: { index: 3, digest: first.sig.digest } }), tools, (t) =>
      texts.push(t),
    );
    assert.equal(texts.length, 0);
    assert.equal(rest.files.listed, 2);
    assert.equal(rest.rest, null);
    assert.ok(rest.walk);
  });

  it('refuses to go on when module.sig changed since the first look', async () => {
    await module('changing', { 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c', 'd.txt': 'd' });
    const first = checkModule(unit('changing'), tools, () => undefined);
    assert.ok(first.sig.state === 'read');
    await appendFile(join(dir, 'changing', 'module.sig'), '\n');
    const rest = checkModule(
      unit('changing', { continueFrom: { index: 3, digest: first.sig.digest } }),
      tools,
      () => undefined,
    );
    assert.equal(rest.sig.state, 'unreadable');
    assert.ok(rest.sig.state === 'unreadable' && /changed while it was being verified/.test(rest.sig.problem.message));
  });

  it('reports a missing module.sig as data, with nothing checked', async () => {
    await writeFiles(join(dir, 'unsigned'), { 'a.php': '<?php' });
    const evidence = checkModule(unit('unsigned'), tools, () => undefined);
    assert.equal(evidence.sig.state, 'missing');
    assert.equal(evidence.files.checked, 0);
  });

  it('does not read the identity of a module.xml that does not match its digest', async () => {
    await module('forged', { 'module.xml': '<module><rawname>forged</rawname></module>' });
    await writeFile(join(dir, 'forged', 'module.xml'), '<module><rawname>core</rawname></module>');
    const evidence = checkModule(unit('forged'), tools, () => undefined);
    assert.equal(evidence.identity, null);
    assert.equal(evidence.files.altered.length, 1);
  });
});
