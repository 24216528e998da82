// What `npm pack` would publish holds everything a global install needs (the CLI and its bundle, the
// library and its declarations, the systemd units, the report schemas, the man page, the completion,
// LICENSE) and nothing a user does not (tests, benchmarks, build scripts, sources, samples).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';

let files: Set<string>;

before(() => {
  // The build is the test run's own; --ignore-scripts skips prepack's second build.
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [packed] = JSON.parse(r.stdout) as [{ files: Array<{ path: string }> }];
  files = new Set(packed.files.map((f) => f.path));
});

describe('when npm packs pbxsig', () => {
  it('holds the CLI, the library with its declarations, the man page and the completion', () => {
    for (const path of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/pbxsig.js',
      'dist/cli/main.js',
      'dist/cli/warm.js',
      'dist/cli/worker.cjs',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/man/pbxsig.1',
      'dist/completion/pbxsig.bash',
    ])
      assert.ok(files.has(path), `${path} is missing from the package`);
  });

  it('holds the systemd units, the drop-ins, the default settings and every report schema', () => {
    for (const path of [
      'packaging/systemd/pbxsig-verify.service',
      'packaging/systemd/pbxsig-check.service',
      'packaging/systemd/pbxsig-check.timer',
      'packaging/systemd/apache2.service.d/pbxsig.conf',
      'packaging/systemd/httpd.service.d/pbxsig.conf',
      'packaging/systemd/asterisk.service.d/pbxsig.conf',
      'packaging/pbxsig.conf',
      'schema/report.schema.json',
      'schema/audit.schema.json',
      'schema/audit-ndjson.schema.json',
      'schema/diff.schema.json',
      'schema/keys-list.schema.json',
      'schema/sign.schema.json',
    ])
      assert.ok(files.has(path), `${path} is missing from the package`);
  });

  it('holds every file package.json points at (bin, exports, man)', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      exports: Record<string, Record<string, string>>;
      man: string[];
    };
    const pointed = [
      ...Object.values(pkg.bin),
      ...Object.values(pkg.exports).flatMap((e) => Object.values(e)),
      ...pkg.man,
    ].map((p) => p.replace(/^\.\//, ''));
    for (const path of pointed) assert.ok(files.has(path), `package.json points at ${path}, which is not packed`);
  });

  it('holds no tests, benchmarks, build scripts, TypeScript sources or samples', () => {
    const unwanted = [...files].filter((f) =>
      /^(test|bench|scripts|src|fixtures|docs|dist\/test|dist\/bench|dist\/scripts|node_modules)\//.test(f),
    );
    assert.deepEqual(unwanted, []);
  });

  it('holds every chunk the bundled CLI loads (no import reaches outside dist/cli/ but for its dependencies)', () => {
    for (const file of [...files].filter((f) => /^dist\/cli\/.*\.js$/.test(f))) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      for (const [, target] of text.matchAll(/(?:from|import\()\s*["'](\.[^"']+)["']/g)) {
        const resolved = join(file, '..', target ?? '');
        assert.ok(files.has(resolved), `${file} imports ${target}, which is not packed`);
      }
    }
  });
});
