// The JSON Schemas pbxsig ships (schema/*.schema.json), compiled with ajv for the tests. The shipped
// schemas let a later version add fields; the tests use them strictly (no property the schema does not
// name), so that a field added to a report without its schema fails here.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from './paths.js';

export const SCHEMA_DIR = join(REPO_ROOT, 'schema');

export type SchemaName = 'report' | 'audit' | 'audit-ndjson' | 'diff' | 'keys-list' | 'sign';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every object schema that names its properties gets additionalProperties: false, unless it says otherwise. */
export function strict(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema))
    // Property names are data, not schemas: only their values are walked.
    copy[key] =
      key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([name, s]) => [name, strict(s)]))
        : strict(value);
  if ('properties' in copy && !('additionalProperties' in copy)) copy['additionalProperties'] = false;
  return copy;
}

export function loadSchemas(options: { strict: boolean }): Record<SchemaName, ValidateFunction> {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  // ajv-formats is CommonJS: its default export arrives as the module object or the function itself.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
    a: Ajv2020,
  ) => void;
  addFormats(ajv);
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'))) {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Json;
    ajv.addSchema((options.strict ? strict(schema) : schema) as object);
  }
  const get = (name: SchemaName): ValidateFunction => {
    const validate = ajv.getSchema(`urn:pbxsig:schema:${name}`);
    if (!validate) throw new Error(`no schema urn:pbxsig:schema:${name} in ${SCHEMA_DIR}`);
    return validate;
  };
  return {
    report: get('report'),
    audit: get('audit'),
    'audit-ndjson': get('audit-ndjson'),
    diff: get('diff'),
    'keys-list': get('keys-list'),
    sign: get('sign'),
  };
}

/** Validation errors as lines a failing test can print: "/modules/0/verdict must be equal to one of ...". */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 20)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');
}
