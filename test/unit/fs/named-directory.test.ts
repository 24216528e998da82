import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namedDirectory } from '../../../src/fs/named-directory.js';

describe('namedDirectory', () => {
  it('refuses a name holding a NUL byte (a line of a --from list) in its own words, naming it', async () => {
    await assert.rejects(namedDirectory('/tmp/a\0b', 'installation root'), {
      code: 'INPUT_NOT_FOUND',
      message: 'installation root /tmp/a\0b: holds a NUL byte, so no such path',
    });
  });

  it('says a missing directory does not exist, and a file is not a directory', async () => {
    await assert.rejects(namedDirectory('/nonexistent/pbxsig', 'module directory'), {
      code: 'INPUT_NOT_FOUND',
      message: 'module directory /nonexistent/pbxsig: does not exist',
    });
    await assert.rejects(namedDirectory(new URL(import.meta.url).pathname, 'module directory'), {
      code: 'INPUT_NOT_DIRECTORY',
    });
  });
});
