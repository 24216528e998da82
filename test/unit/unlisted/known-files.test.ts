import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { knownFilesFor } from '../../../src/unlisted/known-files.js';
import type { KnownFile } from '../../../src/unlisted/known-files.js';
import { STOCK_FILES } from '../../../src/unlisted/stock-files.js';
import { HAVE_REALWORLD, REALWORLD } from '../../helpers/paths.js';

const DIGEST = 'ab'.repeat(32);

describe('STOCK_FILES', () => {
  it('knows each file by module, a safe relative path and a lower-case SHA-256 digest', () => {
    assert.ok(STOCK_FILES.length > 0);
    for (const f of STOCK_FILES) {
      assert.match(f.sha256, /^[0-9a-f]{64}$/, f.path);
      assert.equal(f.source, 'stock');
      assert.ok(f.path !== '' && !f.path.startsWith('/') && !f.path.split('/').includes('..'), f.path);
    }
  });

  it('lists each content once', () => {
    const keys = STOCK_FILES.map((f) => `${f.module}\0${f.path}\0${f.sha256}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  it(
    'holds every row of the real-world stock-unlisted.tsv',
    { skip: HAVE_REALWORLD ? false : `the real-world corpus (${REALWORLD}) is not present: skipped` },
    () => {
      const rows = readFileSync(join(REALWORLD, 'stock-unlisted.tsv'), 'utf8')
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => line.split('\t'));
      assert.ok(rows.length > 0);
      for (const [module, path, sha256] of rows) {
        assert.ok(
          STOCK_FILES.some((f) => f.module === module && f.path === path && f.sha256 === sha256),
          `${module} ${path} ${sha256}`,
        );
      }
      assert.equal(STOCK_FILES.length, rows.length);
    },
  );
});

describe('knownFilesFor', () => {
  describe('when a site adds its own files', () => {
    const site: KnownFile[] = [
      { module: 'core', path: 'tools/x.php', sha256: DIGEST.toUpperCase(), source: 'site' },
      { module: 'core', path: 'tools/x.php', sha256: 'cd'.repeat(32), source: 'site' },
      { module: 'dashboard', path: 'tools/x.php', sha256: 'ef'.repeat(32), source: 'site' },
      { module: 'core', path: 'tools/bad.php', sha256: 'xyz', source: 'site' },
    ];

    it("keeps the module's entries, every digest of a path, by lower-case digest", () => {
      const known = knownFilesFor('core', site);
      assert.deepEqual([...(known.get('tools/x.php')?.keys() ?? [])], [DIGEST, 'cd'.repeat(32)]);
      assert.equal(known.get('tools/x.php')?.get(DIGEST)?.source, 'site');
    });

    it('drops an entry whose digest is not 64 hex digits', () => {
      assert.equal(knownFilesFor('core', site).has('tools/bad.php'), false);
    });

    it('keeps the stock entry when a site lists the same content again', () => {
      const stock = STOCK_FILES.find((f) => f.module === 'framework');
      assert.ok(stock);
      const known = knownFilesFor('framework', [{ ...stock, source: 'site' }]);
      assert.equal(known.get(stock.path)?.get(stock.sha256)?.source, 'stock');
    });
  });

  describe('when no site files are given', () => {
    it('knows the stock files of that module only', () => {
      const framework = knownFilesFor('framework');
      assert.ok(framework.has('utests/genaccts.php'));
      assert.equal(knownFilesFor('core').size, 0);
      assert.ok(knownFilesFor('recording_report').has('vendor/php-ffmpeg/php-ffmpeg/.sami.php'));
    });
  });
});
