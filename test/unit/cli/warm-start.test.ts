import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lanesToWarm } from '../../../src/cli/warm-start.js';

// Two cores, at most 8 threads: the numbers below do not depend on this machine.
const warm = (...args: string[]): number => lanesToWarm(args, 2, 8);

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
});
