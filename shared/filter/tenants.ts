/**
 * Filter: whose records may be forwarded at all (ALLOWED_TENANT_IDS). A hub that carries another customer's
 * stream by mistake must never leak it into this customer's SIEM: records of any other tenant, or of none, are
 * set aside before enrichment and batching, grouped per tenant and category, and dead-lettered with the reason.
 */
import type { ForwardRecord } from '../types/records.js';

export interface RefusedRecords {
  /** As the records carry it; undefined when they carry none. */
  readonly tenantId?: string;
  readonly category: string;
  readonly records: ForwardRecord[];
  readonly detail: string;
}

export interface TenantCheck {
  readonly records: ForwardRecord[];
  readonly refused: RefusedRecords[];
}

export type TenantFilter = (records: ForwardRecord[]) => TenantCheck;

/** An empty list admits every tenant (a single-tenant hub needs no list). Tenant ids compare case-insensitively. */
export function createTenantFilter(allowed: readonly string[]): TenantFilter {
  if (allowed.length === 0) return (records) => ({ records, refused: [] });
  const admitted = new Set(allowed.map((id) => id.toLowerCase()));
  return (records) => {
    const kept: ForwardRecord[] = [];
    const refused = new Map<string, RefusedRecords>();
    for (const record of records) {
      if (record.tenantId !== undefined && admitted.has(record.tenantId.toLowerCase())) {
        kept.push(record);
        continue;
      }
      const key = `${record.tenantId ?? ''}\u0000${record.category}`;
      let group = refused.get(key);
      if (!group) {
        const who = record.tenantId === undefined ? 'has no tenantId' : `is of tenant ${record.tenantId}`;
        group = {
          ...(record.tenantId === undefined ? {} : { tenantId: record.tenantId }),
          category: record.category,
          records: [],
          detail: `the record ${who}, which is not in ALLOWED_TENANT_IDS`,
        };
        refused.set(key, group);
      }
      group.records.push(record);
    }
    return { records: kept, refused: [...refused.values()] };
  };
}
