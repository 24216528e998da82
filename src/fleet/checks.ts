// Job data read back from Redis, checked before use: a job is input like any other.

import { FLEET_VERSION } from './types.js';
import type { InstallationJobData, RunSpec } from './types.js';

export function checkRunSpec(value: unknown): RunSpec {
  const spec = value as Partial<RunSpec> | null;
  if (
    spec?.version !== FLEET_VERSION ||
    typeof spec.runId !== 'string' ||
    typeof spec.now !== 'string' ||
    Number.isNaN(Date.parse(spec.now)) ||
    !Array.isArray(spec.anchors) ||
    !spec.anchors.every((a) => typeof a === 'string') ||
    !['ignore', 'report', 'fail'].includes(String(spec.unlisted)) ||
    !['auto', 'node', 'wasm'].includes(String(spec.engine)) ||
    !Array.isArray(spec.allow) ||
    !(spec.allow as unknown[]).every(isSiteFile) ||
    typeof spec.retentionSeconds !== 'number' ||
    !(spec.retentionSeconds > 0)
  )
    throw new Error(`not a pbxsig fleet run of version ${FLEET_VERSION}`);
  return spec as RunSpec;
}

export function checkJobData(value: unknown): InstallationJobData {
  const data = value as Partial<InstallationJobData> | null;
  const target = data?.target;
  if (
    data?.version !== FLEET_VERSION ||
    typeof data.runId !== 'string' ||
    typeof data.index !== 'number' ||
    typeof target?.name !== 'string' ||
    (target.kind !== 'host' && !(target.kind === 'root' && typeof target.root === 'string'))
  )
    throw new Error(`not a pbxsig fleet installation job of version ${FLEET_VERSION}`);
  return data as InstallationJobData;
}

function isSiteFile(value: unknown): boolean {
  const entry = value as Partial<Record<'module' | 'path' | 'sha256', unknown>> | null;
  return typeof entry?.module === 'string' && typeof entry.path === 'string' && typeof entry.sha256 === 'string';
}
