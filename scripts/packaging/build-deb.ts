// `npm run deb`: builds dist/deb/pbxsig_<version>_all.deb with Debian's own dpkg-deb, from the npm
// package's files (`npm pack`) and the production dependencies this checkout installed (npm ls
// --omit=dev: the lockfile's versions; no network). Architecture-independent: optional native
// dependencies (piscina's @napi-rs/nice, used only for thread priorities pbxsig never sets) are left out.
//
//   /usr/lib/pbxsig/              the program: package.json, bin/, dist/src/, dist/cli/, schema/, node_modules/
//   /usr/bin/pbxsig               a link to /usr/lib/pbxsig/bin/pbxsig.js
//   /lib/systemd/system/          pbxsig-verify.service, pbxsig-check.service, pbxsig-check.timer
//   /usr/share/pbxsig/systemd/    the opt-in drop-ins for apache2, httpd and asterisk
//   /etc/pbxsig/pbxsig.conf       the default settings file (a conffile)
//   /usr/share/man/man1/pbxsig.1.gz, /usr/share/bash-completion/completions/pbxsig
//   /usr/share/doc/pbxsig/        copyright (pbxsig's license and each bundled package's), README.Debian, README.md
//
// Usage: node dist/scripts/packaging/build-deb.js [--out DIR]   (after `npm run build`)

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly license?: string;
}

function run(command: string, args: readonly string[], cwd = ROOT): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function put(stage: string, path: string, content: string | Buffer, mode = 0o644): void {
  const target = join(stage, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  chmodSync(target, mode);
}

/** The program's files, as `npm pack` would publish them, unpacked into `lib`. */
function unpackNpmPackage(lib: string, scratch: string): void {
  const packed = JSON.parse(
    run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch]),
  ) as Array<{ filename: string }>;
  const tarball = join(scratch, packed[0]?.filename ?? '');
  mkdirSync(lib, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', lib, '--strip-components=1', '--no-same-owner']);
  // Installed at their Debian places instead.
  for (const path of ['packaging', 'dist/man', 'dist/completion', 'README.md', 'LICENSE'])
    rmSync(join(lib, path), { recursive: true, force: true });
}

interface Bundled {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  /** The package's directory under /usr/lib/pbxsig. */
  readonly path: string;
}

/** Copies the production dependencies (without optional ones) into `lib/node_modules`. */
function copyDependencies(lib: string): Bundled[] {
  const lock = readJson<{ packages: Record<string, { optional?: boolean }> }>(join(ROOT, 'package-lock.json'));
  const dirs = run('npm', ['ls', '--omit=dev', '--all', '--parseable'])
    .split('\n')
    .filter((line) => line !== '')
    .map((dir) => relative(ROOT, dir))
    .filter((dir) => dir.startsWith('node_modules/') && lock.packages[dir]?.optional !== true);
  const bundled: Bundled[] = [];
  for (const dir of dirs) {
    // Each package without its own node_modules/: nested dependencies are listed, and copied, apart.
    cpSync(join(ROOT, dir), join(lib, dir), {
      recursive: true,
      filter: (source) => relative(join(ROOT, dir), source) !== 'node_modules',
    });
    const pkg = readJson<PackageJson>(join(ROOT, dir, 'package.json'));
    bundled.push({ name: pkg.name, version: pkg.version, license: pkg.license ?? 'see its files', path: dir });
  }
  return bundled.sort((a, b) => a.path.localeCompare(b.path));
}

/** Every directory 0755 and every file 0644, but for the listed executables; links are left as they are. */
function normaliseModes(dir: string, executables: ReadonlySet<string>, stage: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      chmodSync(path, 0o755);
      normaliseModes(path, executables, stage);
    } else chmodSync(path, executables.has(relative(stage, path)) ? 0o755 : 0o644);
  }
}

function installedSizeKiB(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += 1 + installedSizeKiB(path);
    else total += Math.ceil(lstatSync(path).size / 1024);
  }
  return total;
}

function copyright(license: string, bundled: readonly Bundled[]): string {
  const lines = [
    'pbxsig: fast, strict verification of FreePBX module signatures.',
    '',
    'Files: everything but usr/lib/pbxsig/node_modules/',
    'Copyright: the pbxsig authors',
    'License: MIT',
    '',
    license.trimEnd(),
    '',
    '',
    'Node.js packages bundled in usr/lib/pbxsig/node_modules/, each under its own license (the text is',
    "in the package's directory):",
    '',
    ...bundled.map((b) => `  ${b.name} ${b.version}: ${b.license} (usr/lib/pbxsig/${b.path}/)`),
  ];
  return `${lines.join('\n')}\n`;
}

function control(pkg: PackageJson, installedSize: number): string {
  const maintainer =
    process.env['DEBFULLNAME'] && process.env['DEBEMAIL']
      ? `${process.env['DEBFULLNAME']} <${process.env['DEBEMAIL']}>`
      : 'the pbxsig authors <maintainers@pbxsig.invalid>';
  return [
    `Package: ${pkg.name}`,
    `Version: ${pkg.version}`,
    'Architecture: all',
    `Maintainer: ${maintainer}`,
    `Installed-Size: ${installedSize}`,
    // FreePBX 17's Debian 12 has nodejs 18.19; pbxsig's engines field says the same.
    'Depends: nodejs (>= 18.19)',
    'Section: admin',
    'Priority: optional',
    `Description: ${pkg.description.replace(/\.$/, '')}`,
    ' pbxsig verifies FreePBX module signatures (module.sig) in one process, with no',
    ' network, no keyserver and no gpg process, and reports the status FreePBX itself',
    ' would give each module beside a clearer verdict. It also finds unlisted code,',
    ' such as a PHP web shell dropped into a module, which FreePBX never looks for.',
    ' .',
    ' This package verifies the installation at every boot, before the web server and',
    ' Asterisk start, and every day; drop-ins can keep a server down when it fails.',
    '',
  ].join('\n');
}

export function buildDeb(outDir: string): string {
  const pkg = readJson<PackageJson>(join(ROOT, 'package.json'));
  for (const required of [
    'dist/cli/main.js',
    'dist/cli/warm.js',
    'dist/cli/worker.cjs',
    'dist/src/index.js',
    'dist/man/pbxsig.1',
    'dist/completion/pbxsig.bash',
  ])
    if (!existsSync(join(ROOT, required))) throw new Error(`${required} is missing: run \`npm run build\` first`);
  const scratch = mkdtempSync(join(tmpdir(), 'pbxsig-deb-'));
  try {
    const stage = join(scratch, 'root');
    const lib = join(stage, 'usr/lib/pbxsig');
    unpackNpmPackage(lib, scratch);
    const bundled = copyDependencies(lib);

    mkdirSync(join(stage, 'usr/bin'), { recursive: true });
    symlinkSync('../lib/pbxsig/bin/pbxsig.js', join(stage, 'usr/bin/pbxsig'));
    for (const unit of ['pbxsig-verify.service', 'pbxsig-check.service', 'pbxsig-check.timer'])
      put(stage, `lib/systemd/system/${unit}`, readFileSync(join(ROOT, 'packaging/systemd', unit)));
    for (const server of ['apache2', 'httpd', 'asterisk']) {
      const dropin = `${server}.service.d/pbxsig.conf`;
      put(stage, `usr/share/pbxsig/systemd/${dropin}`, readFileSync(join(ROOT, 'packaging/systemd', dropin)));
    }
    put(stage, 'etc/pbxsig/pbxsig.conf', readFileSync(join(ROOT, 'packaging/pbxsig.conf')));
    put(stage, 'usr/share/man/man1/pbxsig.1.gz', gzipSync(readFileSync(join(ROOT, 'dist/man/pbxsig.1')), { level: 9 }));
    put(stage, 'usr/share/bash-completion/completions/pbxsig', readFileSync(join(ROOT, 'dist/completion/pbxsig.bash')));
    put(stage, 'usr/share/doc/pbxsig/copyright', copyright(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), bundled));
    put(stage, 'usr/share/doc/pbxsig/README.Debian', readFileSync(join(ROOT, 'packaging/debian/README.Debian')));
    put(stage, 'usr/share/doc/pbxsig/README.md', readFileSync(join(ROOT, 'README.md')));

    normaliseModes(stage, new Set(['usr/lib/pbxsig/bin/pbxsig.js']), stage);
    const size = installedSizeKiB(stage);
    put(stage, 'DEBIAN/control', control(pkg, size));
    put(stage, 'DEBIAN/conffiles', '/etc/pbxsig/pbxsig.conf\n');
    for (const script of ['postinst', 'prerm', 'postrm'])
      put(stage, `DEBIAN/${script}`, readFileSync(join(ROOT, 'packaging/debian', script)), 0o755);

    mkdirSync(outDir, { recursive: true });
    const deb = join(outDir, `${pkg.name}_${pkg.version}_all.deb`);
    run('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, deb]);
    return deb;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const out = at > 0 ? (process.argv[at + 1] ?? '') : join(ROOT, 'dist/deb');
  try {
    process.stdout.write(`${buildDeb(out)}\n`);
  } catch (error) {
    process.stderr.write(`npm run deb: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
