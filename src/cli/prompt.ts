// Ask for a passphrase on the terminal without echoing it. Only when stdin and stderr are both a
// terminal: a script gets a clear error instead of a prompt it cannot answer.

import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { InputError, describeError } from '../errors.js';

export function canPrompt(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

export async function promptHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // readline echoes what is typed through _writeToOutput; silence it after the question.
  const writable = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stderr.write(question);
  writable._writeToOutput = () => undefined;
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/** A passphrase file: its first line, without the line break (as gpg --passphrase-file reads it). */
export async function readPassphraseFile(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).split(/\r?\n/)[0] ?? '';
  } catch (error) {
    throw new InputError('INPUT_UNREADABLE', `passphrase file ${path}: ${describeError(error)}`);
  }
}
