// The timed commands' environment (bench/environment.ts): a FreePBX host's, not this machine's
// start-up extras, and the report says what was left out.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostEnvironment, removedVariables } from '../../../bench/environment.js';
import { runOnce } from '../../../bench/processes.js';
import { REPO } from '../../../bench/repo.js';
import { renderHeader } from '../../../bench/report.js';
import type { Report } from '../../../bench/report.js';

describe('the environment of timed commands', () => {
  it('drops NODE_EXTRA_CA_CERTS and keeps every other variable', () => {
    const env = hostEnvironment({ NODE_EXTRA_CA_CERTS: '/some/ca.pem', PATH: '/bin', LANG: 'C' });
    assert.deepEqual(env, { PATH: '/bin', LANG: 'C' });
    assert.deepEqual(removedVariables({ NODE_EXTRA_CA_CERTS: '/some/ca.pem' }), ['NODE_EXTRA_CA_CERTS']);
    assert.deepEqual(removedVariables({ PATH: '/bin' }), []);
  });

  it('is what a timed command runs in when it names no environment of its own', () => {
    const saved = process.env['NODE_EXTRA_CA_CERTS'];
    process.env['NODE_EXTRA_CA_CERTS'] = '/nonexistent/ca.pem';
    try {
      const run = runOnce(
        {
          id: 'env',
          label: 'prints two variables',
          shown: 'node -e PRINT',
          file: process.execPath,
          args: [
            '-e',
            'console.log(JSON.stringify([process.env.NODE_EXTRA_CA_CERTS ?? null, process.env.PATH ?? null]))',
          ],
        },
        REPO,
        true,
      );
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), [null, process.env['PATH'] ?? null]);
    } finally {
      if (saved === undefined) delete process.env['NODE_EXTRA_CA_CERTS'];
      else process.env['NODE_EXTRA_CA_CERTS'] = saved;
    }
  });

  it('is named in the report header when something was left out, and only then', () => {
    const report: Report = {
      date: '2026-12-02T00:00:00.000Z',
      command: 'node dist/bench/run.js',
      argv: [],
      quick: false,
      machine: {
        cpuModel: 'CPU',
        cpuCount: 2,
        availableParallelism: 2,
        shaNi: true,
        node: 'v20.0.0',
        openssl: '3',
        platform: 'linux 6',
        arch: 'x64',
        totalMemoryGiB: 24,
      },
      suites: ['startup'],
    };
    assert.doesNotMatch(renderHeader(report), /ran without/);
    assert.match(
      renderHeader({ ...report, removedEnvironment: ['NODE_EXTRA_CA_CERTS'] }),
      /Timed commands ran without NODE_EXTRA_CA_CERTS/,
    );
  });
});
