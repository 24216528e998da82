import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lanesToWarm, laneWords, smallVerify } from '../../../src/cli/warm-start.js';
import { BYTES_PER_LISTED_FILE, MAX_PROBED, sigBytesReach } from '../../../src/cli/work-estimate.js';
import { WORKER_PAYS_FROM_FILES } from '../../../src/verify/options.js';

// Two cores, at most 8 threads, work never too small: the numbers below do not depend on this machine.
const warm = (...args: string[]): number => lanesToWarm(args, 2, 8, () => false);

describe('lanesToWarm', () => {
  it('warms a lane per core beyond the main thread for verify and audit under "auto"', () => {
    assert.equal(warm('verify'), 1);
    assert.equal(warm('verify', '--root', '/srv/pbx'), 1);
    assert.equal(warm('audit', '/srv/a', '/srv/b'), 1);
    assert.equal(lanesToWarm(['verify'], 1, 4), 0, 'one core: the main thread alone');
  });

  it('follows --threads in each of its spellings, the main thread counted', () => {
    assert.equal(warm('verify', '--threads', '3'), 2);
    assert.equal(warm('verify', '--threads=4'), 3);
    assert.equal(warm('verify', '-j', '1'), 0);
    assert.equal(warm('verify', '-j0'), 0);
    assert.equal(warm('verify', '--threads', 'auto'), 1);
  });

  it('never warms more than the thread limit, nor on a value the parser will refuse', () => {
    assert.equal(warm('verify', '--threads', '100000'), 7);
    assert.equal(warm('verify', '--threads', 'many'), 0);
    assert.equal(warm('verify', '--threads'), 0);
  });

  it('warms nothing for commands that hash nothing here', () => {
    assert.equal(warm(), 0);
    assert.equal(warm('keys', 'list'), 0);
    assert.equal(warm('sign', 'DIR'), 0);
    assert.equal(warm('verify', '--help'), 0);
    assert.equal(warm('audit', '--queue', 'redis://localhost', '/srv/a'), 0);
    assert.equal(warm('audit', '--queue=redis://localhost'), 0);
    assert.equal(warm('--threads', '4', 'verify'), 0, 'the command comes first');
  });

  it('reads no option past "--", where only directories are', () => {
    assert.equal(warm('verify', '--', '--threads', '4'), 1);
  });

  it('warms nothing when verify names a single module directory: there is one unit', () => {
    assert.equal(warm('verify', 'core'), 0);
    assert.equal(
      warm('verify', '--keys', 'keys.asc', 'core', '--anchor', 'FPR'),
      0,
      'option values are not directories',
    );
    assert.equal(warm('verify', '--json', 'core'), 0, 'a report option never takes the next word');
    assert.equal(warm('verify', '-q', '--threads=4', 'core'), 0);
    assert.equal(warm('verify', '--', '--odd-name'), 0);
    assert.equal(warm('verify', 'core', 'framework'), 1);
    assert.equal(warm('verify', '--root', '/srv/pbx'), 1, 'a root is an installation, not a directory to count');
    assert.equal(warm('audit', '/srv/a'), 1, 'an audit takes a lane per core whatever it is given');
  });

  it('warms nothing under "auto" for a verify too small for a lane, and follows --threads whatever the size', () => {
    const small = (): boolean => true;
    assert.equal(lanesToWarm(['verify', '--root', '/srv/pbx'], 2, 8, small), 0);
    assert.equal(lanesToWarm(['verify', '--root', '/srv/pbx', '-j', '2'], 2, 8, small), 1, 'asked for, given');
  });
});

// A modules directory whose module.sig files list about `listed` files in all, spread over `modules`.
const TEMP = mkdtempSync(join(tmpdir(), 'pbxsig-warm-'));
after(() => rmSync(TEMP, { recursive: true, force: true }));
let trees = 0;
function installation(modules: number, listed: number): string {
  const root = join(TEMP, `root${trees++}`);
  const dir = join(root, 'var/www/html/admin/modules');
  for (let i = 0; i < modules; i++) {
    mkdirSync(join(dir, `m${i}`), { recursive: true });
    writeFileSync(join(dir, `m${i}`, 'module.sig'), 'x'.repeat(Math.ceil((listed / modules) * BYTES_PER_LISTED_FILE)));
  }
  return root;
}

describe('smallVerify (how much a verify lists, from its module.sig sizes)', () => {
  const small = (...args: string[]): boolean => {
    const words = laneWords(args);
    assert.ok(words);
    return smallVerify(words);
  };
  const limit = WORKER_PAYS_FROM_FILES;

  it('calls an installation small below the files a lane pays for, large from there', () => {
    assert.equal(small('verify', '--root', installation(15, 450)), true, 'a FreePBX 14-sized installation');
    assert.equal(small('verify', '--root', installation(35, limit)), false);
    assert.equal(small('verify', `--root=${installation(35, 16_700)}`, '-q'), false, 'a FreePBX 17-sized one');
  });

  it('looks where --webroot says, and only at the --module names given', () => {
    const root = installation(2, limit * 2);
    mkdirSync(join(root, 'srv/web/admin/modules/tiny'), { recursive: true });
    writeFileSync(join(root, 'srv/web/admin/modules/tiny/module.sig'), 'x'.repeat(900));
    assert.equal(small('verify', '--root', root, '--webroot', '/srv/web'), true);
    assert.equal(small('verify', '--root', root), false);
    assert.equal(small('verify', '--root', root, '-m', 'm0', '--module=m1'), false);
    assert.equal(small('verify', '--root', root, '-m', 'absent'), true);
  });

  it('adds up the module directories a verify names', () => {
    const root = installation(3, limit * 1.5);
    const modules = join(root, 'var/www/html/admin/modules');
    assert.equal(small('verify', join(modules, 'm0'), join(modules, 'm1')), false);
    assert.equal(small('verify', join(modules, 'm0'), join(TEMP, 'nowhere')), true);
    const file = join(modules, 'm2', 'module.sig');
    assert.equal(small('verify', file, join(file, 'deeper')), true, 'a file named as a directory counts nothing');
  });

  it('cannot call small what it cannot see: no modules directory, or a command other than verify', () => {
    assert.equal(small('verify', '--root', join(TEMP, 'nowhere')), false);
    assert.equal(small('audit', installation(1, 10)), false);
  });

  it('follows a module directory that is a link (FreePBX allows them) and never reads a module.sig', () => {
    const root = installation(1, 10);
    const big = installation(1, limit * 2);
    const modules = join(root, 'var/www/html/admin/modules');
    symlinkSync(join(big, 'var/www/html/admin/modules/m0'), join(modules, 'linked'));
    assert.equal(small('verify', '--root', root), false);
  });

  it('stops after MAX_PROBED module directories: so many modules are a large run', () => {
    const empty = Array.from({ length: MAX_PROBED + 1 }, (_, i) => join(TEMP, `none${i}`));
    assert.equal(sigBytesReach(empty.slice(0, MAX_PROBED), 1), false);
    assert.equal(sigBytesReach(empty, 1), true);
  });
});
