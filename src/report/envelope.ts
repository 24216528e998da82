// What every report document starts with, built in one place: which schema, which pbxsig, when, how long.

import { VERSION } from '../version.js';

export interface Envelope<Schema extends string, Version extends number> {
  readonly schema: Schema;
  readonly version: Version;
  readonly tool: { readonly name: 'pbxsig'; readonly version: string };
  readonly startedAt: string;
  readonly durationMs: number;
}

/** The envelope of a report whose work started at `startedAt` and ends now. */
export function envelope<Schema extends string, Version extends number>(
  schema: Schema,
  version: Version,
  startedAt: Date,
): Envelope<Schema, Version> {
  return {
    schema,
    version,
    tool: { name: 'pbxsig', version: VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
  };
}
