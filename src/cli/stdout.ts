// Standard output and error as a Unix tool treats them. An exit status gates a web server, so what
// happens to the output must never turn a failure into success:
// - the reader goes away early (`pbxsig verify | head -c1`, EPIPE): stop writing, let the run finish
//   (reports to files are still written), keep its status, or exit 141 as a tool killed by SIGPIPE
//   would when the status would have been 0 (the output was cut);
// - a write fails (`--json > /dev/full`, a full disk): say so and exit 2;
// - everything written is flushed before the process exits (a slow reader gets the whole JSON).

import { describeError, errnoCode } from '../errors.js';

/** The exit status of a process killed by SIGPIPE (128 + 13), as shells report it. */
export const EXIT_SIGPIPE = 141;

export type ChannelState = 'open' | 'closed' | 'failed';

export interface OutputChannel {
  /** Writes text; after the reader went away or a write failed, drops it. */
  write(text: string): void;
  /** Resolves once everything written was handed to the system, or the stream failed. */
  flush(): Promise<void>;
  readonly state: ChannelState;
  /** Why a write failed (state 'failed'). */
  readonly error: unknown;
}

/** A channel over a writable stream (process.stdout, or a test's stream). */
export function createChannel(stream: NodeJS.WritableStream): OutputChannel {
  let state: ChannelState = 'open';
  let failure: unknown;
  const fail = (error: unknown): void => {
    if (state !== 'open') return;
    if (errnoCode(error) === 'EPIPE') state = 'closed';
    else {
      state = 'failed';
      failure = error;
    }
  };
  stream.on('error', fail);
  return {
    write(text) {
      if (state !== 'open' || text === '') return;
      stream.write(text, (error) => {
        if (error) fail(error);
      });
    },
    flush() {
      if (state !== 'open') return Promise.resolve();
      return new Promise<void>((resolve) => {
        stream.write('', (error) => {
          if (error) fail(error);
          resolve();
        });
      });
    },
    get state() {
      return state;
    },
    get error() {
      return failure;
    },
  };
}

let stdoutChannel: OutputChannel | undefined;
let stderrChannel: OutputChannel | undefined;

/** Standard output, through one channel for the whole process. */
export function stdout(): OutputChannel {
  stdoutChannel ??= createChannel(process.stdout);
  return stdoutChannel;
}

/** Standard error: messages and alerts. Its errors are dropped: there is nowhere left to report them. */
export function stderr(): OutputChannel {
  stderrChannel ??= createChannel(process.stderr);
  return stderrChannel;
}

/**
 * The exit status once the output is flushed: `status`, or 2 after a failed write (with a message on
 * stderr), or 141 when the reader went away and `status` was 0.
 */
export async function settle(
  status: number,
  channel: OutputChannel = stdout(),
  messages: OutputChannel = stderr(),
): Promise<number> {
  await channel.flush();
  if (channel.state === 'failed') {
    messages.write(`pbxsig: standard output: ${writeErrorText(channel.error)}\n`);
    await messages.flush();
    return 2;
  }
  if (channel.state === 'closed') return status !== 0 ? status : EXIT_SIGPIPE;
  return status;
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EROFS: 'read-only file system',
};

function writeErrorText(error: unknown): string {
  const code = errnoCode(error);
  const known = code !== undefined ? WRITE_ERRORS[code] : undefined;
  return `write failed: ${known !== undefined ? `${known} (${code})` : describeError(error)}`;
}
