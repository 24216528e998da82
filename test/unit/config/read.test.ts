// Reading pbxsig.conf and its drop-ins: what is read, in which order, who wins, and the files refused
// because someone other than their owner (or root) could change what the boot check accepts.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONFIG_MAX_BYTES, loadConfig } from '../../../src/config/read.js';
import { makeTempDir } from '../../helpers/modules.js';

const RUNNING_AS_ROOT = process.getuid?.() === 0;
const HAVE_MKFIFO = spawnSync('mkfifo', ['--version']).status === 0;
const DIGEST_A = 'a'.repeat(64);
const DIGEST_B = 'b'.repeat(64);

let temp: string;
let remove: () => Promise<void>;
let case_ = 0;

/** A fresh directory (mode 0755) for one case. */
async function fresh(): Promise<string> {
  const dir = join(temp, `case-${++case_}`);
  await mkdir(dir, { mode: 0o755 });
  await chmod(dir, 0o755);
  return dir;
}

async function put(path: string, text: string, mode = 0o644): Promise<void> {
  await writeFile(path, text);
  await chmod(path, mode);
}

function allow(module: string, path: string, sha256: string): string {
  return `[[allow]]\nmodule = "${module}"\npath = "${path}"\nsha256 = "${sha256}"\n`;
}

async function refusedWith(path: string, code: string, message: RegExp, required = true): Promise<void> {
  await assert.rejects(loadConfig(path, { required }), (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, code, String(error));
    assert.match((error as Error).message, message);
    return true;
  });
}

before(async () => {
  ({ path: temp, remove } = await makeTempDir('pbxsig-config-'));
});

after(async () => {
  await remove();
});

describe('loadConfig', () => {
  describe('when the default file does not exist', () => {
    it('reads nothing, and that is no error', async () => {
      const dir = await fresh();
      assert.deepEqual(await loadConfig(join(dir, 'pbxsig.conf'), { required: false }), {
        files: [],
        settings: {},
        allow: [],
        allowFiles: [],
      });
    });

    it('still reads its drop-ins', async () => {
      const dir = await fresh();
      await mkdir(join(dir, 'pbxsig.conf.d'), { mode: 0o755 });
      await put(join(dir, 'pbxsig.conf.d/site.conf'), 'engine = "node"\n');
      const config = await loadConfig(join(dir, 'pbxsig.conf'), { required: false });
      assert.deepEqual(config.files, [join(dir, 'pbxsig.conf.d/site.conf')]);
      assert.deepEqual(config.settings.engine, { value: 'node', file: join(dir, 'pbxsig.conf.d/site.conf') });
    });
  });

  describe('when a named file does not exist', () => {
    it('is an error naming it', async () => {
      const dir = await fresh();
      await refusedWith(join(dir, 'missing.conf'), 'INPUT_NOT_FOUND', /missing\.conf: does not exist \(ENOENT\)$/);
    });
  });

  describe('when there are drop-ins', () => {
    let dir: string;
    let config: Awaited<ReturnType<typeof loadConfig>>;
    before(async () => {
      dir = await fresh();
      const main = join(dir, 'pbxsig.conf');
      await put(
        main,
        `unlisted = "report"\nengine = "wasm"\nkeys = ["/etc/keys"]\n${allow('core', 'a.php', DIGEST_A)}`,
      );
      await mkdir(`${main}.d`, { mode: 0o755 });
      await put(`${main}.d/20-later.conf`, `unlisted = "fail"\n${allow('core', 'b.php', DIGEST_B)}`);
      await put(
        `${main}.d/10-first.conf`,
        `unlisted = "ignore"\nkeys = "/opt/keys"\n${allow('core', 'a.php', DIGEST_A)}`,
      );
      await put(`${main}.d/30-old.conf.dpkg-old`, 'this = is not read');
      await put(`${main}.d/.hidden.conf`, 'nor = this');
      config = await loadConfig(main, { required: true });
    });

    it('reads the file, then its *.conf drop-ins in name order, and nothing else', () => {
      assert.deepEqual(config.files, [
        join(dir, 'pbxsig.conf'),
        join(dir, 'pbxsig.conf.d/10-first.conf'),
        join(dir, 'pbxsig.conf.d/20-later.conf'),
      ]);
    });

    it('takes each setting from the last file that sets it, a list as a whole', () => {
      assert.deepEqual(config.settings.unlisted, { value: 'fail', file: join(dir, 'pbxsig.conf.d/20-later.conf') });
      assert.deepEqual(config.settings.engine, { value: 'wasm', file: join(dir, 'pbxsig.conf') });
      assert.deepEqual(config.settings.keys, { value: ['/opt/keys'], file: join(dir, 'pbxsig.conf.d/10-first.conf') });
    });

    it('adds up the allowlists, each entry once, and names the files that gave entries', () => {
      assert.deepEqual(config.allow, [
        { module: 'core', path: 'a.php', sha256: DIGEST_A },
        { module: 'core', path: 'b.php', sha256: DIGEST_B },
      ]);
      assert.equal(config.allowFiles.length, 3);
    });

    it('names the drop-in a mistake is in', async () => {
      const main = join(await fresh(), 'pbxsig.conf');
      await put(main, '');
      await mkdir(`${main}.d`, { mode: 0o755 });
      await put(`${main}.d/site.conf`, '\nthreads = "lots"\n');
      await refusedWith(main, 'PBXSIG_CONF_INVALID', /pbxsig\.conf\.d\/site\.conf:2: threads: expected a whole number/);
    });
  });

  describe('when others could change the configuration', () => {
    const unsafe =
      /refusing a configuration (file|directory) that .* may write .*: pbxsig reads its configuration as root at boot/;

    it('refuses a group-writable file, and says why and what to do', async () => {
      const file = join(await fresh(), 'pbxsig.conf');
      await put(file, '', 0o664);
      await refusedWith(
        file,
        'PBXSIG_CONF_UNSAFE',
        new RegExp(
          `^${file}: refusing a configuration file that its group may write \\(mode 0664\\): .*; run chmod go-w ${file}$`,
        ),
      );
    });

    it('refuses a world-writable file', async () => {
      const file = join(await fresh(), 'pbxsig.conf');
      await put(file, '', 0o646);
      await refusedWith(file, 'PBXSIG_CONF_UNSAFE', /that everyone may write \(mode 0646\)/);
    });

    it('refuses the default file too (it is read when it exists)', async () => {
      const file = join(await fresh(), 'pbxsig.conf');
      await put(file, '', 0o666);
      await refusedWith(file, 'PBXSIG_CONF_UNSAFE', /its group and everyone may write \(mode 0666\)/, false);
    });

    it('refuses a file in a directory others may write (they could replace it)', async () => {
      const dir = await fresh();
      await put(join(dir, 'pbxsig.conf'), '');
      await chmod(dir, 0o777);
      await refusedWith(join(dir, 'pbxsig.conf'), 'PBXSIG_CONF_UNSAFE', new RegExp(`^${dir}: ${unsafe.source}`));
    });

    it('refuses a missing default file in a directory others may write (they could create it)', async () => {
      const dir = await fresh();
      await chmod(dir, 0o1777);
      await refusedWith(join(dir, 'pbxsig.conf'), 'PBXSIG_CONF_UNSAFE', unsafe, false);
    });

    it('accepts an existing file in a sticky directory such as /tmp (others cannot replace it)', async () => {
      const dir = await fresh();
      await put(join(dir, 'pbxsig.conf'), 'engine = "node"\n');
      await chmod(dir, 0o1777);
      assert.equal((await loadConfig(join(dir, 'pbxsig.conf'), { required: true })).settings.engine?.value, 'node');
    });

    it('refuses a drop-in directory others may write, and a drop-in others may write', async () => {
      const main = join(await fresh(), 'pbxsig.conf');
      await put(main, '');
      await mkdir(`${main}.d`);
      await chmod(`${main}.d`, 0o1777);
      await refusedWith(main, 'PBXSIG_CONF_UNSAFE', new RegExp(`^${main}\\.d: refusing a configuration directory`));
      await chmod(`${main}.d`, 0o755);
      await put(`${main}.d/site.conf`, '', 0o664);
      await refusedWith(
        main,
        'PBXSIG_CONF_UNSAFE',
        new RegExp(`^${main}\\.d/site\\.conf: refusing a configuration file`),
      );
    });

    it(
      'refuses a file owned by another user than root or the one running pbxsig',
      { skip: RUNNING_AS_ROOT ? false : 'needs root, to give the file to another user' },
      async () => {
        const file = join(await fresh(), 'pbxsig.conf');
        await put(file, '');
        await chown(file, 65534, 65534);
        await refusedWith(file, 'PBXSIG_CONF_UNSAFE', /owned by user 65534, neither root nor the user running pbxsig/);
      },
    );
  });

  describe('when the file is not a plain text file', () => {
    it('refuses a FIFO without waiting on it', { skip: HAVE_MKFIFO ? false : 'mkfifo is not installed' }, async () => {
      const file = join(await fresh(), 'pbxsig.conf');
      assert.equal(spawnSync('mkfifo', ['-m', '0644', file]).status, 0);
      await refusedWith(file, 'PBXSIG_CONF_INVALID', /pbxsig\.conf: not a regular file$/);
    });

    it('refuses a directory', async () => {
      const file = join(await fresh(), 'pbxsig.conf');
      await mkdir(file, { mode: 0o755 });
      await refusedWith(file, 'PBXSIG_CONF_INVALID', /not a regular file$/);
    });

    it('refuses a file larger than the bound', async () => {
      const file = join(await fresh(), 'pbxsig.conf');
      await put(file, `# ${'x'.repeat(CONFIG_MAX_BYTES)}\n`);
      await refusedWith(file, 'PBXSIG_CONF_INVALID', /larger than 4 MiB$/);
    });

    it('refuses bytes that are not UTF-8', async () => {
      const file = join(await fresh(), 'pbxsig.conf');
      await writeFile(file, Buffer.from('# caf\xe9\n', 'latin1'));
      await chmod(file, 0o644);
      await refusedWith(file, 'PBXSIG_CONF_SYNTAX', /not valid UTF-8/);
    });
  });
});
