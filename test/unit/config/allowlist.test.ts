// `pbxsig allowlist`'s text: entries that parse back to exactly what the report found, comments a
// file name cannot break out of, and the findings no entry can accept named for the reviewer.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditReport } from '../../../src/audit/types.js';
import { renderAllowlist, tomlString } from '../../../src/config/allowlist.js';
import { parseConfig } from '../../../src/config/parse.js';
import type { FileFinding, ModuleReport, VerifyReport } from '../../../src/report/types.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function module(name: string, code: FileFinding[], extra: Partial<ModuleReport> = {}): ModuleReport {
  return {
    name,
    verdict: 'verified',
    identity: null,
    unlisted: { code },
    ...extra,
  } as unknown as ModuleReport;
}

function finding(path: string, sha256?: string, extra: Partial<FileFinding> = {}): FileFinding {
  return { path, location: `/m/${path}`, reason: 'PHP by its extension', ...(sha256 ? { sha256 } : {}), ...extra };
}

function audit(installations: Array<{ root: string; modules: ModuleReport[] }>): AuditReport {
  return {
    startedAt: '2026-05-01T10:00:00.000Z',
    installations: installations.map(({ root, modules }) => ({
      root,
      status: 'findings',
      error: null,
      report: { modules } as unknown as VerifyReport,
    })),
  } as unknown as AuditReport;
}

function render(report: AuditReport, modules: string[] = []): string {
  return renderAllowlist({ file: 'report.json', report, modules });
}

describe('renderAllowlist', () => {
  describe('when a report found unlisted code', () => {
    const report = audit([
      {
        root: '/',
        modules: [
          module(
            'core',
            [finding('views/custom.php', A), finding('tools/run.sh', B, { reason: 'script by its extension' })],
            {
              identity: { rawname: 'core', version: '17.0.1', matchesDirectory: true, substituted: false },
            },
          ),
          module('cdr', [finding('x.php', A)], { verdict: 'tampered' }),
        ],
      },
    ]);
    const text = render(report);

    it('prints a configuration file that parses back to one entry per file', () => {
      assert.deepEqual(parseConfig(text, 'out.conf', 8).allow, [
        { module: 'cdr', path: 'x.php', sha256: A },
        { module: 'core', path: 'tools/run.sh', sha256: B },
        { module: 'core', path: 'views/custom.php', sha256: A },
      ]);
    });

    it('says what it is and that every entry must be reviewed', () => {
      assert.match(text, /^# pbxsig site allowlist, made by `pbxsig allowlist`\.$/m);
      assert.match(text, /REVIEW EVERY ENTRY/);
      assert.match(text, /^# From report\.json: a report of 2026-05-01T10:00:00\.000Z, \/\.$/m);
    });

    it("names each entry's module version and why it was found", () => {
      assert.match(
        text,
        /^# core 17\.0\.1: PHP by its extension\n\[\[allow\]\]\nmodule = "core"\npath = "views\/custom\.php"$/m,
      );
      assert.match(text, /^# core 17\.0\.1: script by its extension$/m);
    });

    it('warns that an entry does not make a module pass that fails for another reason', () => {
      assert.match(text, /^# note: the module fails anyway \(tampered\): this entry does not change that$/m);
    });

    it('keeps only the modules asked for', () => {
      assert.deepEqual(
        parseConfig(render(report, ['cdr']), 'out.conf', 8).allow.map((e) => e.module),
        ['cdr'],
      );
    });
  });

  describe('when names hold control or invisible characters', () => {
    const path = 'new\nline\u202e.php\u0007"\\';
    const text = render(audit([{ root: '/', modules: [module('core', [finding(path, A)])] }]));

    it('writes the value so that it parses back exactly', () => {
      assert.deepEqual(parseConfig(text, 'out.conf', 8).allow, [{ module: 'core', path, sha256: A }]);
    });

    it('shows only visible characters, and no comment line can end early', () => {
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u0009\u000b-\u001f\u202e]/.test(text));
      assert.match(text, /^path = "new\\nline\\u202E\.php\\u0007\\"\\\\"$/m);
      for (const line of text.split('\n'))
        assert.ok(
          line === '' || line.startsWith('#') || /^(\[\[allow\]\]|module = |path = |sha256 = )/.test(line),
          line,
        );
    });
  });

  describe('when the same file is on several installations (an audit)', () => {
    const text = render(
      audit([
        { root: '/snap/a', modules: [module('core', [finding('x.php', A)])] },
        { root: '/snap/b', modules: [module('core', [finding('x.php', A), finding('y.php', B)])] },
      ]),
    );

    it('prints one entry for it, naming where it was found', () => {
      assert.equal(parseConfig(text, 'out.conf', 8).allow.length, 2);
      assert.match(text, /^# found in \/snap\/a, \/snap\/b$/m);
      assert.match(text, /^# From report\.json: an audit of 2026-05-01T10:00:00\.000Z, 2 installations\.$/m);
    });
  });

  describe('when a finding cannot become an entry', () => {
    const text = render(
      audit([
        {
          root: '/',
          modules: [
            module('core', [
              finding('big.php'),
              finding('sh\uefff.php', A, { pathHex: '7368ff2e706870' }),
              finding('ok.php', A),
            ]),
          ],
        },
      ]),
    );

    it('lists it in a comment, with the reason, and gives no entry for it', () => {
      assert.deepEqual(
        parseConfig(text, 'out.conf', 8).allow.map((e) => e.path),
        ['ok.php'],
      );
      assert.match(text, /^# {3}core: big\.php: the report has no SHA-256 for it/m);
      assert.match(text, /^# {3}core: sh\\xff\.php: its name is not valid UTF-8/m);
    });
  });

  describe('when the report found nothing', () => {
    it('prints a valid file that says so', () => {
      const text = render(audit([{ root: '/', modules: [module('core', [])] }]));
      assert.match(text, /^# The report found no unlisted code file to allow\.$/m);
      assert.deepEqual(parseConfig(text, 'out.conf', 8), { allow: [] });
    });
  });
});

describe('tomlString', () => {
  it('quotes plain text as it is', () => {
    assert.equal(tomlString('views/custom.php'), '"views/custom.php"');
  });
});
