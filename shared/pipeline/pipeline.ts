/** The pipeline's long-lived parts, and what one invocation asks of it. */
import type { BackoffPolicy } from '../deliver/backoff.js';
import type { DeadLetterStore } from '../deadletter/store.js';
import type { DeviceDirectory } from '../enrich/deviceDirectory.js';
import type { CategoryFilter } from '../filter/categoryFilter.js';
import type { TenantFilter } from '../filter/tenants.js';
import type { RouteSecrets } from '../secrets/routeSecrets.js';
import type { AttemptEvent, SiemResponse } from '../types/outcome.js';
import type { ForwardRecord } from '../types/records.js';
import type { SiemRequest, Sink } from '../types/sink.js';
import type { SettledRecords } from './settled.js';

/** The long-lived parts, built once per process from the Config. */
export interface Pipeline {
  readonly sink: Sink;
  readonly post: (request: SiemRequest, signal?: AbortSignal) => Promise<SiemResponse>;
  /** The SIEM credential of each route. */
  readonly secrets: RouteSecrets;
  readonly directory: DeviceDirectory;
  readonly deadLetters: DeadLetterStore;
  readonly limits: { readonly maxBytes: number; readonly maxRecords: number };
  readonly concurrency: number;
  readonly backoff: BackoffPolicy;
  readonly defaultMachineGroup?: string;
  /** CATEGORIES_INCLUDE / CATEGORIES_EXCLUDE. */
  readonly filter: CategoryFilter;
  /** ALLOWED_TENANT_IDS. */
  readonly tenants: TenantFilter;
  /** PARSE_DYNAMIC_FIELDS: JSON-in-a-string columns become JSON (a departure from byte fidelity, off by default). */
  readonly parseDynamicFields?: boolean;
}

export interface InvocationOptions {
  /** Epoch ms: no request is started or waited for after it. */
  readonly deadline: number;
  /** On the last attempt, records the SIEM could not take yet are dead-lettered instead of left pending. */
  readonly finalAttempt: boolean;
  readonly signal?: AbortSignal;
  readonly onAttempt?: (event: AttemptEvent) => void;
  /** Sees the records once unpacked (telemetry reads their times for lag). */
  readonly onUnpacked?: (records: readonly ForwardRecord[]) => void;
  /** What earlier tries of this same invocation settled: skipped now, and filled in with what this try settles. */
  readonly settled?: SettledRecords;
}
