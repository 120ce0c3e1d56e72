/** `defender-forwarder check`: the report on stdout, as text or JSON, then exit with the report's code. */
import type { Writable } from 'node:stream';
import { formatJson, formatText } from './check/report.js';
import { runCheck, type CheckOptions } from './check/runCheck.js';

export interface CheckCommandOptions extends CheckOptions {
  readonly json: boolean;
  readonly stdout: Writable;
}

export async function checkCommand(options: CheckCommandOptions): Promise<never> {
  const report = await runCheck(options);
  const text = options.json ? formatJson(report) : formatText(report);
  await new Promise<void>((resolve) => options.stdout.write(text, () => resolve()));
  // A probe its time limit cut short may still hold a connection open (the Key Vault and Blob clients take no
  // signal): the report is out, so the command ends now rather than when that server finally answers.
  process.exit(report.exitCode);
}
