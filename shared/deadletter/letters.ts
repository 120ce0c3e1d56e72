/**
 * Dead letters for what one invocation could not deliver: bad input grouped per message, reason and category;
 * a failed or refused batch as one letter with the SIEM's answer.
 */
import type { FailedRecords } from '../types/outcome.js';
import { positionOf, positionRuns } from '../pipeline/positions.js';
import { idOf } from '../pipeline/recordId.js';
import type { RejectedInput } from '../types/records.js';
import { summarizeSources, type DeadLetter } from './entry.js';

/** Bad input from one message, for one reason and category, is one dead letter. */
export function groupRejected(rejected: readonly RejectedInput[]): RejectedInput[][] {
  const groups = new Map<string, RejectedInput[]>();
  const messages = new Map<object, number>();
  for (const reject of rejected) {
    if (!messages.has(reject.source)) messages.set(reject.source, messages.size);
    const key = `${messages.get(reject.source)}\u0000${reject.reason}\u0000${reject.category ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(reject);
    else groups.set(key, [reject]);
  }
  return [...groups.values()];
}

const DETAILS_SHOWN = 10;

export function rejectDetail(group: readonly RejectedInput[]): string {
  const shown = group
    .slice(0, DETAILS_SHOWN)
    .map((reject) => reject.detail)
    .join('; ');
  return group.length > DETAILS_SHOWN ? `${shown}; and ${group.length - DETAILS_SHOWN} more` : shown;
}

export function letterForRejected(group: readonly RejectedInput[]): DeadLetter {
  const first = group[0]!;
  // A body rejected whole (no index) is kept as it came: as text when it may not be JSON at all.
  const whole = first.index === undefined;
  const asText = first.reason === 'invalid-json' || first.reason === 'unreadable';
  return {
    meta: {
      reason: first.reason,
      detail: rejectDetail(group),
      ...(first.category ? { category: first.category } : {}),
      attempts: 0,
      failedAt: new Date().toISOString(),
      source: summarizeSources([first.source]),
      ...(whole
        ? {}
        : { positions: positionRuns(group.map((reject) => ({ source: reject.source, index: reject.index ?? 0 }))) }),
    },
    ...(!asText
      ? { records: group.map((reject) => reject.raw) }
      : first.rawEncoding === 'base64'
        ? { records: [], rawBodyBase64: first.raw }
        : { records: [], rawBody: first.raw }),
  };
}

/** Records set aside whole, after delivery or before it: a SIEM failure, or a tenant that is not allowed. */
export type SetAside = Pick<
  FailedRecords,
  'category' | 'records' | 'detail' | 'attempts' | 'status' | 'responseExcerpt'
> & { readonly reason: string };

export function letterForFailure(failure: SetAside): DeadLetter {
  return {
    meta: {
      reason: failure.reason,
      detail: failure.detail,
      category: failure.category,
      ...(failure.status === undefined ? {} : { status: failure.status }),
      ...(failure.responseExcerpt === undefined ? {} : { responseExcerpt: failure.responseExcerpt }),
      attempts: failure.attempts,
      failedAt: new Date().toISOString(),
      source: summarizeSources(failure.records.map((record) => record.source)),
      recordIds: failure.records.map(idOf),
      positions: positionRuns(failure.records.map(positionOf)),
    },
    records: failure.records.map((record) => record.text),
  };
}
