// The environment every timed command runs in: this machine's, less the variables that make Node's own
// start-up do work a FreePBX host's boot never does. NODE_EXTRA_CA_CERTS makes every Node process read
// and parse that CA bundle before any of its code runs: set on the machines these benchmarks were
// written on (a 200 KB bundle), it cost each Node process about 80 ms (`node -e 0`: 125 ms with it,
// 47 ms without), a cost the gpgv, sha256sum and Python peers never pay. pbxsig opens no TLS
// connection in a verification, and systemd starts the boot unit without it.

/** Variables removed from the timed commands' environment. */
export const STARTUP_VARIABLES: readonly string[] = ['NODE_EXTRA_CA_CERTS'];

/** `env` without STARTUP_VARIABLES. */
export function hostEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of STARTUP_VARIABLES) delete copy[name];
  return copy;
}

/** Which of STARTUP_VARIABLES `env` sets (and hostEnvironment() removes). */
export function removedVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  return STARTUP_VARIABLES.filter((name) => env[name] !== undefined);
}
