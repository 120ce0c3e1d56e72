/**
 * The command line as a user runs it: the package's bin entry in a child process, with only the environment given
 * (and PATH), so nothing of the test process's own settings leaks in.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SiemReceiver } from '../../cli/receiver/receiver.js';

/** What package.json's `bin` and `npm run cli` start. */
export const CLI_ENTRY = fileURLToPath(new URL('../../cli/bin.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  /** Node options placed before the entry, e.g. a preload. */
  readonly nodeArgs?: readonly string[];
  /**
   * Called with stderr so far on each chunk; returning true kills the process there (SIGKILL): the test has seen
   * what it waited for, while the command was still running.
   */
  readonly stopWhen?: (stderr: string) => boolean;
}

export interface CliResult extends CliRun {
  /** stopWhen matched before the process ended by itself. */
  readonly stopped: boolean;
}

export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  options: CliOptions = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI_ENTRY, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, ...env },
    });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!stopped && options.stopWhen?.(stderr)) {
        stopped = true;
        child.kill('SIGKILL');
      }
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, stopped }));
  });
}

/** The lines of `text` that match `pattern`. */
export function linesMatching(text: string, pattern: RegExp): string[] {
  return text.split('\n').filter((line) => pattern.test(line));
}

/** Runs `use` with the bundled receiver listening on loopback and taking `token`, then stops it. */
export async function withReceiver(
  token: string,
  use: (receiver: SiemReceiver, url: string) => Promise<void>,
): Promise<void> {
  const receiver = new SiemReceiver({ token });
  const url = await receiver.start();
  try {
    await use(receiver, url);
  } finally {
    await receiver.stop();
  }
}
