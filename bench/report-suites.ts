// Markdown for the cold-process suites (suites.ts), appended to report.ts's output.

import type { InstallationSuite, StartupSuite } from './suites.js';
import { bytes, fixed, mib } from './format.js';

export function renderInstallation(suite: InstallationSuite): string {
  const { tree, checks } = suite;
  const fw = tree.framework;
  const ours = checks.pbxsig;
  const byDefault = suite.results.find((r) => r.id === 'default');
  const lines = [
    '',
    `## installation: ${tree.description}, ${mib(tree.bytes)} total`,
    '',
    `A whole FreePBX installation under a temporary ROOT (webroot /var/www/html, FreePBX's default directories in etc/amportal.conf), ` +
      `generated from seed ${suite.seed}. File sizes: median ${bytes(tree.sizes.median)}, p90 ${bytes(tree.sizes.p90)}, p99 ${bytes(tree.sizes.p99)}, max ${bytes(tree.sizes.max)}; ` +
      `${tree.namesWithSpace} file names with a space. Largest modules: ${tree.modulesBySize.map((m) => `${m.name} ${m.files}`).join(', ')} files.`,
    '',
    `Framework's manifest: ${fw.listed} entries: ${fw.webroot} amp_conf/htdocs/ (in the webroot, including the two BMO/*.key), ${fw.bin} amp_conf/bin/, ` +
      `${fw.sbin} amp_conf/sbin/, ${fw.agiBin} amp_conf/agi-bin/, ${fw.sounds} amp_conf/sounds/, ${fw.moduleDir} in its module directory, ` +
      `${fw.skipped} in amp_conf/astetc/, amp_conf/moh/ and upgrades/ (listed, not installed, not checked). Every installed file is listed: no unlisted code, so the default \`--unlisted fail\` applies.`,
    '',
    `Checked before timing: pbxsig exit ${ours.exit}, ${ours.verified}/${ours.modules} modules verified, ${ours.files} files and ${mib(ours.bytes)} hashed ` +
      `(threads auto used ${ours.threadsAuto}, unlisted policy ${ours.unlistedPolicy}); peers: ${checks.peers.map((p) => `\`${p.line}\``).join(', ')}. ` +
      `One byte altered, then restored: ${checks.tampered.map((t) => `${t.file}: pbxsig ${t.pbxsig}; every peer ${sameCatch(t.peers)}`).join('. ')}. ` +
      `The Python and Node peers check no signature (they only hash what the manifests list), so they do less than pbxsig and the gpgv peers.`,
    '',
    `Method: each run is one whole cold process, timed around spawnSync() (start-up, imports, signatures, every file hashed, exit). ` +
      `One warm-up run each (**warm page cache**), then ${suite.rounds} interleaved rounds; median and min–max. ` +
      `Peer tools: ${suite.tools['gpgv']} (${suite.tools['libgcrypt']}), ${suite.tools['sha256sum']}, ${suite.tools['awk']}, ${suite.tools['xargs']}, ${suite.tools['python']}, Node ${suite.tools['node']}.`,
    '',
    '| command | median ms | min–max ms | files/s (median) | MiB/s (median) | time / pbxsig default |',
    '|---|--:|--:|--:|--:|--:|',
  ];
  for (const r of suite.results) {
    const relative = byDefault ? `${(r.medianMs / byDefault.medianMs).toFixed(2)}×` : '–';
    lines.push(
      `| ${r.label}: \`${r.command}\` | ${fixed(r.medianMs)} | ${fixed(r.minMs)}–${fixed(r.maxMs)} | ${fixed(tree.files / (r.medianMs / 1000))} | ${fixed(tree.bytes / 2 ** 20 / (r.medianMs / 1000))} | ${relative} |`,
    );
  }
  const inProcess = suite.inProcess;
  lines.push(
    `| ${inProcess.label} | ${fixed(inProcess.medianMs)} | ${fixed(inProcess.minMs)}–${fixed(inProcess.maxMs)} | ${fixed(tree.files / (inProcess.medianMs / 1000))} | ${fixed(tree.bytes / 2 ** 20 / (inProcess.medianMs / 1000))} | ${byDefault ? `${(inProcess.medianMs / byDefault.medianMs).toFixed(2)}×` : '–'} |`,
    '',
    '| comparison (median of the second / median of the first; above 1: the first is faster) | ratio |',
    '|---|--:|',
    ...suite.ratios.map((r) => `| ${r.label} | ${Number.isFinite(r.value) ? `${r.value.toFixed(2)}×` : '–'} |`),
  );
  return `${lines.join('\n')}\n`;
}

export function renderStartup(suite: StartupSuite): string {
  const lines = [
    '',
    `## startup: cold process, one small module (${suite.module.files} files, ${bytes(suite.module.bytes)})`,
    '',
    `One warm-up run each, then ${suite.rounds} interleaved rounds. "Over floor" is the median minus the median of \`node -e 0\`: what pbxsig adds to starting Node at all.`,
    '',
    '| command | median ms | min–max ms | over floor (median) ms |',
    '|---|--:|--:|--:|',
    ...suite.results.map(
      (r) =>
        `| ${r.label}: \`${r.command}\` | ${fixed(r.medianMs)} | ${fixed(r.minMs)}–${fixed(r.maxMs)} | ${r.id === 'floor' ? '–' : fixed(r.overFloorMs)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** "exit 1, core: the file named as FAILED" when every peer said the same, else each peer's own. */
function sameCatch(peers: InstallationSuite['checks']['tampered'][number]['peers']): string {
  const results = new Set(peers.map((p) => p.result));
  return results.size === 1 ? ([...results][0] ?? '') : peers.map((p) => `${p.id} ${p.result}`).join('; ');
}
