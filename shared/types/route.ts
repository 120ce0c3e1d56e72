/** Where a record goes: the configured destination, and the route one record resolves to. */
import type { ForwardRecord } from './records.js';

/** Where records go, before `{category}`, `{table}` and `{tenantId}` are filled in per record. */
export interface Destination {
  readonly url: string;
  /** The Key Vault secret a route's credential is read from; unset: the default secret. */
  readonly secretName?: string;
  readonly sourcetype?: string;
  readonly index?: string;
  readonly stream?: string;
}

export interface Route extends Destination {
  /** Equal keys mean equal destinations; batches never mix keys. */
  readonly key: string;
  readonly category: string;
  readonly table: string;
  /** Lower-cased; undefined for a record without one. */
  readonly tenantId?: string;
  /** There is nowhere to send the record: its batch is dead-lettered with this, and nothing is sent. */
  readonly problem?: RouteProblem;
}

export interface RouteProblem {
  /**
   * `missing-tenant`: the destination uses `{tenantId}` and the record has none. `unroutable`: the record's values
   * cannot be written into the destination (see expandUrl), or making the route failed in another way.
   */
  readonly reason: 'missing-tenant' | 'unroutable';
  readonly detail: string;
}

/** What routing reads of a record. */
export type Routable = Pick<ForwardRecord, 'category' | 'tenantId'>;
