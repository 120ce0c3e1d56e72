/**
 * Answers item by item (bulk APIs: Elasticsearch's errors:true): each item is the answer for the record at its
 * place in the part. Delivered and refused records have their fate written at once; the others are pending, for
 * the retrying around this to send again, and so is a record the answer says nothing about.
 */
import type { ForwardRecord } from '../types/records.js';
import { refusal, type BatchLedger } from './ledger.js';
import type { Send, Tried } from './sent.js';

export function answeredItemByItem(
  send: (records: readonly ForwardRecord[]) => Promise<Tried>,
  ledger: BatchLedger,
): Send {
  return async (records, attempt) => {
    const answer = await send(records);
    if (answer.kind !== 'partial') return answer;
    const { items, response } = answer;
    const pending: ForwardRecord[] = [];
    records.forEach((record, i) => {
      const item = items[i] ?? { kind: 'retry', reason: 'no answer for this record' };
      if (item.kind === 'delivered') ledger.delivered([record]);
      else if (item.kind === 'retry') pending.push(record);
      else ledger.failed([record], refusal(item.reason, attempt, response && { ...response, status: item.status }));
    });
    return { kind: 'pending', records: pending, response };
  };
}
