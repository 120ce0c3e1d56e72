/**
 * Record ids: 128 bits of SHA-256 over a record's text as it arrived. Only the protocols with a per-record id
 * field (Elasticsearch `_id`, Splunk `record_id`) and dead letters need them, so they are made when asked for,
 * not for every record that flows.
 */
import { hash } from 'node:crypto';
import type { ForwardRecord } from '../types/records.js';

/** Stable across replays, short enough for any SIEM's id field. */
export function recordId(text: string): string {
  return hash('sha256', text).slice(0, 32);
}

// A protocol asks twice per record (to measure the batch, then to write it): hashed once.
const known = new WeakMap<ForwardRecord, string>();

/** The id the record arrived with (a dead letter carries its records' ids), else the hash of its received text. */
export function idOf(record: ForwardRecord): string {
  if (record.carriedId !== undefined) return record.carriedId;
  let id = known.get(record);
  if (id === undefined) known.set(record, (id = recordId(record.received)));
  return id;
}
