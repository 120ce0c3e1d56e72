/** `defender-forwarder check`: the report on stdout, as text or JSON; the exit code from the report. */
import type { Writable } from 'node:stream';
import { formatJson, formatText } from '../check/report.js';
import { runCheck, type CheckOptions } from '../check/runCheck.js';

export interface CheckCommandOptions extends CheckOptions {
  readonly json: boolean;
  readonly stdout: Writable;
}

export async function checkCommand(options: CheckCommandOptions): Promise<number> {
  const report = await runCheck(options);
  options.stdout.write(options.json ? formatJson(report) : formatText(report));
  return report.exitCode;
}
