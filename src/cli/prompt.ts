// Ask for a passphrase on the terminal without echoing it. Only when stdin and stderr are both a
// terminal: a script gets a clear error instead of a prompt it cannot answer.
//
// readline's public API does the line editing (backspace, raw mode on and off); what is typed is
// echoed to readline's output, so that output is a stream that drops everything, and the question
// goes to the terminal directly. No private readline field is touched.

import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { InputError } from '../errors.js';
import { readRegularFile } from './read-regular-file.js';

export function canPrompt(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

export async function promptHidden(
  question: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input, output: muted, terminal: true });
  output.write(question);
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('line', resolve);
      rl.once('close', () => reject(new InputError('PASSPHRASE_REQUIRED', 'no passphrase entered (end of input)')));
      // Ctrl-C reaches readline as a key in raw mode: restore the terminal, then stop as the signal
      // would (main's handler cleans up and exits with 130).
      rl.once('SIGINT', () => {
        rl.close();
        output.write('\n');
        process.kill(process.pid, 'SIGINT');
      });
    });
  } finally {
    rl.close();
    output.write('\n');
  }
}

/**
 * A passphrase for a new secret key: asked twice, as a typo would lock the key's owner out of it. An
 * empty first answer (no passphrase) is not asked again.
 */
export async function promptNewPassphrase(
  question: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  const first = await promptHidden(question, input, output);
  if (first === '') return first;
  if ((await promptHidden('Repeat it: ', input, output)) !== first)
    throw new InputError('PASSPHRASE_MISMATCH', 'the two passphrases differ; no key was made');
  return first;
}

/** The most a passphrase file may hold: its first line is the passphrase. */
export const MAX_PASSPHRASE_FILE_BYTES = 64 * 1024;

/** A passphrase file: its first line, without the line break (as gpg --passphrase-file reads it). */
export async function readPassphraseFile(path: string): Promise<string> {
  const bytes = await readRegularFile(path, MAX_PASSPHRASE_FILE_BYTES, 'passphrase file');
  return bytes.toString('utf8').split(/\r?\n/)[0] ?? '';
}
