// The audit's HTML report in a real headless browser (Chromium from Debian's packages, driven by
// playwright-core): it opens from a file with no network, shows the right counts, and filters.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { auditInstallations } from '../../src/audit/audit.js';
import { renderAuditHtml } from '../../src/audit/html.js';
import { buildInstallation } from '../helpers/installation.js';
import { certified, makeKey } from '../helpers/keys.js';
import { makeTempDir } from '../helpers/modules.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const MARKUP = '<img src=x onerror="document.title=1">';
const skip = CHROMIUM ? false : "Chromium is not installed (.ci/run installs Debian's chromium): skipped";

describe('the HTML audit report in Chromium', { skip }, () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  let cleanup: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    const temp = await makeTempDir();
    cleanup = temp.remove;
    const anchor = await makeKey('HTML Master');
    const developer = await certified(anchor, await makeKey('HTML Dev'));
    const snapshots = join(temp.path, 'snapshots');
    await buildInstallation(join(snapshots, 'pbx-clean'), {
      anchor,
      developer,
      modules: { core: { 'module.xml': 'core\n', 'Core.class.php': '<?php\n' } },
    });
    await cp(join(snapshots, 'pbx-clean'), join(snapshots, 'pbx-tampered'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    await appendFile(join(snapshots, 'pbx-tampered', 'var/www/html/admin/modules/core/Core.class.php'), 'evil();\n');
    // Names come from the audited systems: one shaped like markup must stay text.
    await mkdir(join(snapshots, MARKUP));
    const report = await auditInstallations({
      roots: [join(snapshots, 'pbx-clean'), join(snapshots, 'pbx-tampered'), join(snapshots, MARKUP)],
      anchors: [anchor.fingerprint],
    });
    const file = join(temp.path, 'audit.html');
    await writeFile(file, renderAuditHtml(report));

    browser = await chromium.launch({
      executablePath: CHROMIUM as string,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
  });

  after(async () => {
    await browser?.close();
    await cleanup();
  });

  const count = async (card: string): Promise<string> =>
    (await page.locator(`[data-card="${card}"] .n`).textContent()) ?? '';
  const visibleInstallations = async (): Promise<number> => page.locator('article.installation:visible').count();

  it('opens with the summary first: one clean, one with findings, one unreadable', async () => {
    assert.match(await page.title(), /pbxsig audit: 3 installations, 2 needing attention/);
    assert.deepEqual(
      [await count('installations'), await count('clean'), await count('findings'), await count('unreadable')],
      ['3', '1', '1', '1'],
    );
  });

  it('shows only installations needing attention at first, and all when asked', async () => {
    assert.equal(await visibleInstallations(), 2);
    await page.locator('#only-problems').uncheck();
    assert.equal(await visibleInstallations(), 3);
    assert.match((await page.locator('#shown').textContent()) ?? '', /3 of 3 installations shown/);
  });

  it('names the tampered module and its altered file', async () => {
    const row = page.locator('article.findings tr.module');
    assert.equal(await row.count(), 1);
    assert.match(
      (await row.textContent()) ?? '',
      /core.*tampered.*130.*\/var\/www\/html\/admin\/modules\/core\/Core\.class\.php/s,
    );
  });

  it('filters by text: a verdict, then a file name, then nothing', async () => {
    await page.locator('#filter').fill('tampered');
    assert.equal(await visibleInstallations(), 1);
    await page.locator('#filter').fill('core.class.php');
    assert.equal(await visibleInstallations(), 1);
    await page.locator('#filter').fill('no such thing anywhere');
    assert.equal(await visibleInstallations(), 0);
    await page.locator('#filter').fill('');
    assert.equal(await visibleInstallations(), 3);
  });

  it('shows an installation named like markup as text, creating no element', async () => {
    assert.equal(await page.locator('img').count(), 0);
    assert.ok(((await page.locator('article.unreadable .root').textContent()) ?? '').endsWith(MARKUP));
  });

  it('needs nothing but its own file: no network request', () => {
    assert.ok(requests.length >= 1);
    assert.deepEqual(
      requests.filter((url) => !url.startsWith('file://')),
      [],
    );
  });
});
