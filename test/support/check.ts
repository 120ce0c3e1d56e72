/** `defender-forwarder check` run in this process, with the test's identity and dead letters in a temporary folder. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedIdentityCredential } from '@azure/identity';
import type { CheckKind, CheckResult } from '../../cli/check/result.js';
import { runCheck, type CheckOptions, type CheckReport } from '../../cli/check/runCheck.js';

export function check(env: Record<string, string>, options: Partial<CheckOptions> = {}): Promise<CheckReport> {
  return runCheck({
    env: { DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-check-')), ...env },
    sendTestRecord: false,
    timeoutMs: 10_000,
    credential: () => new ManagedIdentityCredential(),
    ...options,
  });
}

/** The `nth` result of a kind; fails the test when there is none. */
export function found(report: CheckReport, kind: CheckKind, nth = 0): CheckResult {
  const matching = report.results.filter((checked) => checked.kind === kind);
  const checked = matching[nth];
  if (!checked) throw new Error(`no ${kind} result #${nth} in ${JSON.stringify(report.results, null, 1)}`);
  return checked;
}
