// docs/audit-report.png: the HTML audit report as a browser shows it, for the README.
// Audits copies of the sample installation (fixtures/installation), altered differently, plus a
// root that is not an installation; renders the page and photographs it in headless Chromium.
// Run with `npm run screenshot` (needs Debian's chromium, as the browser test does).

import { cp, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { auditInstallations } from '../src/audit/audit.js';
import { renderAuditHtml } from '../src/audit/html.js';
import { resolveAnchors } from '../src/pgp/anchor-files.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = join(ROOT, 'fixtures/installation');
const MODULES = 'var/www/html/admin/modules';

const temp = await mkdtemp(join(tmpdir(), 'pbxsig-shot-'));
try {
  const roots: string[] = [];
  const copy = async (name: string, change?: (root: string) => Promise<void>): Promise<void> => {
    const root = join(temp, name);
    await cp(SAMPLE, root, { recursive: true, verbatimSymlinks: true });
    if (change) await change(root);
    roots.push(root);
  };
  await copy('pbx-office-berlin');
  await copy('pbx-office-lyon', (root) => unlink(join(root, MODULES, 'voicemail/shell.php')));
  await copy('pbx-warehouse', async (root) => {
    await unlink(join(root, MODULES, 'voicemail/shell.php'));
    await unlink(join(root, MODULES, 'core/Core.class.php'));
  });
  const broken = join(temp, 'pbx-old-backup');
  await mkdir(broken);
  roots.push(broken);

  const report = await auditInstallations({
    roots,
    anchors: await resolveAnchors([join(ROOT, 'fixtures/keys/demo-master.asc')]),
    keys: [join(ROOT, 'fixtures/keys')],
  });
  // Show the roots as an auditor would name them, not as this temporary directory.
  const rename = (text: string): string => text.split(temp).join('/srv/snapshots');
  const shown = {
    ...report,
    installations: report.installations.map((i) => ({
      ...i,
      root: rename(i.root),
      error: i.error ? { ...i.error, message: rename(i.error.message) } : null,
    })),
  };
  const page = join(temp, 'audit.html');
  await writeFile(page, renderAuditHtml(shown));

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
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
  try {
    const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await tab.goto(pathToFileURL(page).href);
    await tab.screenshot({ path: join(ROOT, 'docs/audit-report.png'), fullPage: true });
  } finally {
    await browser.close();
  }
  process.stdout.write('docs/audit-report.png written\n');
} finally {
  await rm(temp, { recursive: true, force: true });
}
