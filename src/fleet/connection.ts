// The Redis a fleet audit runs on, from `--queue URL`, with credentials from a file or the
// environment, never from the command line (arguments show in process lists and shell history).
//
//   redis://HOST[:PORT][/DB]      plain TCP
//   rediss://HOST[:PORT][/DB]     TLS (a private CA: NODE_EXTRA_CA_CERTS=ca.pem, as for any Node program)
//   unix:///PATH/TO/SOCKET[?db=N] a local socket
//
// Credentials: `--redis-auth FILE` (line 1 the ACL user name and line 2 the password, or a single
// line: the password of the default user), else PBXSIG_REDIS_USERNAME and PBXSIG_REDIS_PASSWORD.

import { readFile } from 'node:fs/promises';
import { InputError, UsageError, describeError } from '../errors.js';

/** Where Redis is and how to log in: assignable to both ioredis' and BullMQ's connection options. */
export interface RedisEndpoint {
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly db: number;
  readonly tls?: { readonly servername: string };
  readonly username?: string;
  readonly password?: string;
}

export interface QueueConnection {
  readonly options: RedisEndpoint;
  /** The URL without credentials, for messages and reports. */
  readonly display: string;
}

export interface Credentials {
  readonly username?: string;
  readonly password?: string;
}

const MAX_AUTH_FILE_BYTES = 64 * 1024;

/** Parses the URL (pure): where Redis is, and which database. */
export function parseQueueUrl(text: string): { readonly options: RedisEndpoint; readonly display: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `--queue ${JSON.stringify(text)}: expected redis://HOST:PORT/DB, rediss://... or unix:///PATH`,
    );
  }
  if (url.username !== '' || url.password !== '')
    throw new UsageError(
      '--queue: credentials do not belong in the URL (they would show in process lists); use --redis-auth FILE or PBXSIG_REDIS_USERNAME and PBXSIG_REDIS_PASSWORD',
    );
  if (url.hash !== '') throw new UsageError(`--queue ${text}: unexpected "#" part`);
  const db = databaseOf(url);
  if (url.protocol === 'unix:') {
    if (url.host !== '' || url.pathname === '' || url.pathname === '/')
      throw new UsageError(`--queue ${text}: expected unix:///PATH/TO/SOCKET`);
    return {
      options: { path: decodeURIComponent(url.pathname), db },
      display: `unix://${url.pathname}${db ? `?db=${db}` : ''}`,
    };
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new UsageError(`--queue ${text}: the scheme must be redis://, rediss:// or unix://`);
  if (url.search !== '') throw new UsageError(`--queue ${text}: unexpected "?" part (the database is the path: /DB)`);
  if (url.hostname === '') throw new UsageError(`--queue ${text}: no host`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? 6379 : Number.parseInt(url.port, 10);
  const options: RedisEndpoint = {
    host,
    port,
    db,
    ...(url.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
  return { options, display: `${url.protocol}//${url.host}/${db}` };
}

function databaseOf(url: URL): number {
  const text = url.protocol === 'unix:' ? (url.searchParams.get('db') ?? '0') : url.pathname.replace(/^\//, '') || '0';
  if (url.protocol === 'unix:' && [...url.searchParams.keys()].some((k) => k !== 'db'))
    throw new UsageError(`--queue ${url.href}: the only parameter is db=N`);
  if (!/^\d{1,5}$/.test(text))
    throw new UsageError(`--queue ${url.href}: the database must be a number, got ${JSON.stringify(text)}`);
  return Number.parseInt(text, 10);
}

/** Reads `--redis-auth FILE`, else the environment. */
export async function readCredentials(file: string | undefined, env: NodeJS.ProcessEnv): Promise<Credentials> {
  if (file === undefined) {
    const username = env['PBXSIG_REDIS_USERNAME'];
    const password = env['PBXSIG_REDIS_PASSWORD'];
    return {
      ...(username !== undefined && username !== '' ? { username } : {}),
      ...(password !== undefined && password !== '' ? { password } : {}),
    };
  }
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_AUTH_FILE_BYTES) throw new Error(`larger than ${MAX_AUTH_FILE_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (error) {
    throw new InputError('INPUT_UNREADABLE', `--redis-auth ${file}: ${describeError(error)}`);
  }
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 1 && lines[0] !== '') return { password: lines[0] as string };
  if (lines.length === 2 && lines[0] !== '' && lines[1] !== '')
    return { username: lines[0] as string, password: lines[1] as string };
  throw new InputError(
    'INPUT_UNREADABLE',
    `--redis-auth ${file}: expected one line (the password) or two (the user name, then the password)`,
  );
}

export async function queueConnection(
  url: string,
  authFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<QueueConnection> {
  const parsed = parseQueueUrl(url);
  const credentials = await readCredentials(authFile, env);
  return { options: { ...parsed.options, ...credentials }, display: parsed.display };
}
