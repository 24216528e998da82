#!/usr/bin/env node
// A plain one-thread Node loop over the listed files with node:crypto: what a Node user would write
// without pbxsig, and a peer pbxsig is measured against (bench "installation" and "scaling" suites).
// Plain JavaScript with no imports from pbxsig, so it runs as it stands, without the build.
//
// NO SIGNATURE CHECK: module.sig's signed text is read as it stands (clear-signed armor removed), its
// signature is never verified. No worker threads: one file after another on the main thread, each
// read with synchronous calls into one fixed buffer, so a file of any size (2 GB too) needs no more
// memory than that buffer.
//
// Otherwise the same job as gpgv-sha256sum.sh: settings from ROOT/etc/amportal.conf (else FreePBX's
// defaults); every module directory under <webroot>/admin/modules (names starting with "_" or "."
// skipped); each [hashes] entry ("path = hex", split at the first " = ") mapped where FreePBX installed
// it (framework's amp_conf/htdocs/ -> AMPWEBROOT, amp_conf/bin/ -> AMPBIN, amp_conf/sbin/ -> AMPSBIN,
// amp_conf/agi-bin/ -> ASTAGIDIR, amp_conf/sounds/ -> ASTVARLIBDIR/sounds; amp_conf/astetc/,
// amp_conf/moh/ and upgrades/ not checked; everything else in the module's directory).
//
// Usage: node node-loop.mjs ROOT
// Exit 0 when every listed file matches; 1 when any is altered or missing (each such file and its
// module named on stderr); 2 on a usage error. Stdout: one summary line.

import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';

const DEFAULTS = {
  AMPWEBROOT: '/var/www/html',
  AMPBIN: '/var/lib/asterisk/bin',
  AMPSBIN: '/usr/sbin',
  ASTAGIDIR: '/var/lib/asterisk/agi-bin',
  ASTVARLIBDIR: '/var/lib/asterisk',
};
const SKIPPED = ['amp_conf/astetc/', 'amp_conf/moh/', 'upgrades/'];
/** 1 MiB: most files fit in one read, big ones stream through it. */
const buffer = Buffer.allocUnsafe(1 << 20);

/** amportal.conf's KEY=VALUE lines (comments, optional quotes), else FreePBX's defaults. */
function settings(root) {
  const values = {};
  let text = '';
  try {
    text = readFileSync(`${root}/etc/amportal.conf`, 'latin1');
  } catch {
    // No amportal.conf: the defaults.
  }
  for (const line of text.split('\n')) {
    if (/^[ \t]*[#;]/.test(line) || !line.includes('=')) continue;
    const at = line.indexOf('=');
    const key = line.slice(0, at).replace(/^[ \t]+|[ \t\r]+$/g, '');
    let value = line.slice(at + 1).replace(/^[ \t]+|[ \t\r]+$/g, '');
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0])
      value = value.slice(1, -1);
    values[key] = value;
  }
  // Without a trailing slash ("/" becomes "", and root + webroot + "/admin" still reads right).
  return Object.fromEntries(
    Object.entries(DEFAULTS).map(([key, fallback]) => [key, (values[key] || fallback).replace(/\/+$/, '')]),
  );
}

/** The clear-signed text of module.sig, as lines: armor headers dropped, dash-escapes undone. */
function signedText(sigPath) {
  const out = [];
  let state = 'before';
  for (let line of readFileSync(sigPath, 'utf8').split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (state === 'before') {
      if (line === '-----BEGIN PGP SIGNED MESSAGE-----') state = 'headers';
    } else if (state === 'headers') {
      if (line === '') state = 'text';
    } else if (line.startsWith('-----BEGIN PGP SIGNATURE-----')) {
      break;
    } else {
      out.push(line.startsWith('- ') ? line.slice(2) : line);
    }
  }
  return out;
}

/** [path, hex] of each entry of the [hashes] section. */
function* listed(lines) {
  let section = null;
  for (const line of lines) {
    const stripped = line.replace(/^[ \t]+|[ \t]+$/g, '');
    if (stripped.startsWith(';')) continue;
    if (/^\[[^\]]*\]$/.test(stripped)) {
      section = stripped.slice(1, -1);
      continue;
    }
    const at = line.indexOf(' = ');
    if (section !== 'hashes' || at < 0) continue;
    yield [line.slice(0, at).replace(/^[ \t]+|[ \t]+$/g, ''), line.slice(at + 3).replace(/^[ \t]+|[ \t]+$/g, '')];
  }
}

/** Where FreePBX installed `path`; null for framework entries it never checks. */
function destination(root, conf, moduleDir, framework, path) {
  if (framework) {
    const mapped = [
      ['amp_conf/htdocs/', conf.AMPWEBROOT],
      ['amp_conf/bin/', conf.AMPBIN],
      ['amp_conf/sbin/', conf.AMPSBIN],
      ['amp_conf/agi-bin/', conf.ASTAGIDIR],
      ['amp_conf/sounds/', `${conf.ASTVARLIBDIR}/sounds`],
    ];
    for (const [prefix, base] of mapped)
      if (path.startsWith(prefix)) return `${root}${base}/${path.slice(prefix.length)}`;
    if (SKIPPED.some((prefix) => path.startsWith(prefix))) return null;
  }
  return `${moduleDir}/${path}`;
}

function fileSha256(path) {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function isDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function main(argv) {
  if (argv.length !== 1 || !isDirectory(argv[0])) {
    process.stderr.write('usage: node node-loop.mjs ROOT\n');
    return 2;
  }
  const root = argv[0].replace(/\/+$/, '');
  const conf = settings(root);
  const modulesDir = `${root}${conf.AMPWEBROOT}/admin/modules`;
  let names = [];
  try {
    names = readdirSync(modulesDir)
      .filter((name) => !name.startsWith('_') && !name.startsWith('.') && isDirectory(`${modulesDir}/${name}`))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  } catch {
    // No modules directory: reported below.
  }
  if (names.length === 0) {
    process.stderr.write(`no modules in ${modulesDir}\n`);
    return 1;
  }

  let failed = false;
  let files = 0;
  for (const name of names) {
    const moduleDir = `${modulesDir}/${name}`;
    let text;
    try {
      text = signedText(`${moduleDir}/module.sig`);
    } catch {
      process.stderr.write(`${name}: unsigned (no module.sig)\n`);
      failed = true;
      continue;
    }
    let bad = false;
    for (const [path, digest] of listed(text)) {
      const target = destination(root, conf, moduleDir, name === 'framework', path);
      if (target === null) continue;
      files++;
      try {
        if (fileSha256(target) !== digest.toLowerCase()) {
          process.stderr.write(`${target}: FAILED\n`);
          bad = true;
        }
      } catch {
        process.stderr.write(`${target}: FAILED open or read\n`);
        bad = true;
      }
    }
    if (bad) {
      process.stderr.write(`${name}: some listed file is missing or altered\n`);
      failed = true;
    }
  }
  process.stdout.write(`node-loop: ${names.length} modules, ${files} files checked: ${failed ? 'FAILED' : 'OK'}\n`);
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
