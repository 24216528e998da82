// Errors of a fleet audit's queue, and reaching Redis before BullMQ opens connections of its own
// (which would retry a refused login forever instead of saying so).

import { Redis } from 'ioredis';
import { BaseError, describeError } from '../errors.js';
import type { QueueConnection } from './connection.js';

/**
 * The queue could not serve the audit (Redis lost the run, stayed unreachable, or holds a different
 * run under this id). Exit status 2, like other input problems.
 * - FLEET_RUN_LOST: the run vanished from Redis while it was being waited for.
 * - FLEET_RUN_CONFLICT: the run id exists with other settings or installations.
 * - FLEET_UNREACHABLE: Redis could not be reached for too long.
 * - FLEET_AUTH: Redis refused the login (or the user may not do what a fleet audit needs).
 */
export class FleetError extends BaseError<
  'FLEET_RUN_LOST' | 'FLEET_RUN_CONFLICT' | 'FLEET_UNREACHABLE' | 'FLEET_AUTH'
> {}

/** Throws FleetError FLEET_AUTH when Redis refused the credentials. */
export function refusedLogin(error: unknown, display: string): void {
  if (error === undefined) return;
  const text = describeError(error);
  if (/NOAUTH|WRONGPASS|NOPERM|invalid password|invalid username/i.test(text))
    throw new FleetError(
      'FLEET_AUTH',
      `Redis at ${display} refused: ${text} (credentials: --redis-auth FILE, or PBXSIG_REDIS_USERNAME and PBXSIG_REDIS_PASSWORD)`,
    );
}

/** Connects, logs in and pings once; throws FleetError when Redis refuses or cannot be reached. */
export async function reach(connection: QueueConnection): Promise<void> {
  const redis = new Redis({
    ...connection.options,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  // With no retries, ioredis rejects with "Connection is closed"; the cause comes as an error event.
  let cause: unknown;
  redis.on('error', (error: unknown) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    refusedLogin(error, connection.display);
    refusedLogin(cause, connection.display);
    throw new FleetError(
      'FLEET_UNREACHABLE',
      `Redis at ${connection.display} cannot be reached: ${describeError(cause ?? error)}`,
    );
  } finally {
    redis.disconnect();
  }
}
