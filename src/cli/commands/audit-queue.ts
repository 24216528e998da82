// `pbxsig audit --queue URL ...`: the same audit, run by fleet workers (src/fleet/). Roots are paths on
// the workers' side (made absolute here: a worker does not share this directory); `host:NAME` is a
// PBX audited by its own agent worker. Also `--schedule` and `--unschedule` for repeated audits.

import { resolve } from 'node:path';
import { parseInstallations } from '../../audit/names.js';
import type { InstallationTarget } from '../../audit/names.js';
import { collectRoots } from '../../audit/roots.js';
import { UsageError } from '../../errors.js';
import { queueConnection } from '../../fleet/connection.js';
import { bundleKeys } from '../../fleet/key-bundle.js';
import { runFleetAudit } from '../../fleet/producer.js';
import { assertRunId } from '../../fleet/queues.js';
import { FLEET_VERSION } from '../../fleet/types.js';
import { trustFrom } from '../anchors.js';
import type { AuditArgs } from '../args.js';
import { checkOutputFiles, writeAuditOutputs, writeNdjsonReplay } from '../audit-outputs.js';
import { startProgress } from '../progress.js';
import { stdout } from '../stdout.js';
import { counted } from '../../report/plural.js';

export async function runQueuedAudit(args: AuditArgs, queue: string): Promise<number> {
  const { fleet } = args;
  const connection = await queueConnection(queue, fleet.redisAuth);
  if (fleet.unschedule !== undefined) {
    const { removeSchedule } = await import('../../fleet/schedule.js');
    const removed = await removeSchedule(connection, fleet.unschedule);
    stdout().write(
      removed
        ? `Schedule ${fleet.unschedule} removed.\n`
        : `No schedule ${fleet.unschedule} on ${connection.display}.\n`,
    );
    return removed ? 0 : 2;
  }
  if (fleet.runId !== undefined) assertRunId(fleet.runId);
  const targets = parseInstallations(await collectRoots({ roots: args.roots, from: args.from, each: args.each })).map(
    (t): InstallationTarget => (t.kind === 'root' ? { ...t, root: resolve(t.root) } : t),
  );
  const slash = targets.find((t) => t.kind === 'root' && t.root === '/');
  if (slash)
    throw new UsageError(
      `${slash.name}: "/" means each worker's own root: audit a PBX itself with host:NAME and an agent worker`,
    );
  const files = await checkOutputFiles(
    args,
    targets.flatMap((t) => (t.kind === 'root' ? [t.root] : [])),
  );
  const trust = await trustFrom(args);
  const anchors = trust.anchors;

  if (fleet.schedule !== undefined) {
    const { upsertSchedule } = await import('../../fleet/schedule.js');
    await upsertSchedule(connection, fleet.schedule, {
      version: FLEET_VERSION,
      id: fleet.scheduleId,
      targets,
      // The reporting worker that runs the schedule judges with them: they travel in the schedule.
      keys: await bundleKeys(trust.keys),
      anchors,
      unlisted: args.unlisted,
      engine: args.engine,
      timeoutMs: fleet.timeoutMs ?? null,
    });
    stdout().write(
      `Schedule ${fleet.scheduleId} (${fleet.schedule}) on ${connection.display}: ${counted(targets.length, 'installation')}. ` +
        `Workers started with --reports DIR run it and write ${fleet.scheduleId}-<time>.json, .html and the diff against the previous run there.\n`,
    );
    return 0;
  }

  const progress =
    !args.quiet && !args.status && process.stderr.isTTY === true ? await startProgress(targets.length) : undefined;
  let done = 0;
  try {
    const report = await runFleetAudit({
      connection,
      targets,
      runId: fleet.runId,
      keys: trust.keys,
      anchors,
      unlisted: args.unlisted,
      engine: args.engine,
      timeoutMs: fleet.timeoutMs,
      onSubmitted: (run) => {
        if (!args.quiet && !args.status)
          process.stderr.write(
            `pbxsig: ${run.attached ? 'attached to' : 'submitted'} run ${run.id} on ${connection.display} (${counted(targets.length, 'installation')}; --run-id ${run.id} attaches to it again)\n`,
          );
      },
      onProgress: (p) => {
        for (; done < p.done; done++) progress?.increment(0);
      },
    });
    progress?.stop();
    await writeNdjsonReplay(report, args.ndjson);
    return await writeAuditOutputs(report, args, files);
  } finally {
    progress?.stop();
  }
}
