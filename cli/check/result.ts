/** One line of `defender-forwarder check`: what was checked, and what was found. */
import type { Finding } from './probes/probe.js';

export type CheckKind =
  | 'settings'
  | 'identity'
  | 'secret'
  | 'siem-endpoint'
  | 'siem-credential'
  | 'dead-letter-store'
  | 'device-directory'
  | 'defender-api'
  | 'telemetry'
  | 'test-record';

export interface CheckResult extends Finding {
  readonly kind: CheckKind;
  /** What was checked, e.g. `Key Vault secret "siem-token"`. */
  readonly subject: string;
  /** settings: every problem the configuration has. */
  readonly problems?: readonly string[];
}

export function result(kind: CheckKind, subject: string, finding: Finding): CheckResult {
  return { kind, subject, ...finding };
}
