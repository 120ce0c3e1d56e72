/**
 * Reading HEC's answers. Besides the HTTP status, HEC says what went wrong in `code`, and for a batch whose event
 * N is bad, `invalid-event-number`: events before N were accepted, so only N on is looked at again.
 */
import { classifyResponse } from '../../deliver/outcome.js';
import type { ItemOutcome, Outcome, SiemResponse } from '../../types/outcome.js';

interface HecAnswer {
  readonly text?: string;
  readonly code?: number;
  readonly 'invalid-event-number'?: number;
  readonly ackId?: number;
}

/** Codes that mean the request itself is wrong (index, channel, acknowledgement settings): halving cannot help. */
const REQUEST_ERRORS = new Map([
  [5, 'no data'],
  [7, 'incorrect index'],
  [10, 'data channel is missing'],
  [11, 'invalid data channel'],
  [14, 'indexer acknowledgement is disabled for this token'],
  [16, 'query string authorization is not enabled'],
]);

export function readHecAnswer(body: string): HecAnswer {
  try {
    const answer: unknown = JSON.parse(body);
    return typeof answer === 'object' && answer !== null ? (answer as HecAnswer) : {};
  } catch {
    return {};
  }
}

export function classifyHecResponse(response: SiemResponse, records: readonly unknown[]): Outcome {
  if (response.status !== 400) return classifyResponse(response);
  const answer = readHecAnswer(response.body);
  const reason = `HEC code ${answer.code ?? '?'}: ${answer.text ?? 'bad request'}`;
  const invalid = answer['invalid-event-number'];
  if (typeof invalid === 'number' && Number.isInteger(invalid) && invalid >= 0 && invalid < records.length) {
    const items = records.map((_, i): ItemOutcome => {
      if (i < invalid) return { kind: 'delivered' };
      if (i === invalid) return { kind: 'reject', reason, status: 400 };
      return { kind: 'retry', reason: `not read: event ${invalid} before it was invalid`, status: 400 };
    });
    return { kind: 'partial', items };
  }
  if (answer.code !== undefined && REQUEST_ERRORS.has(answer.code)) {
    return {
      kind: 'reject',
      reason: `HEC code ${answer.code}: ${REQUEST_ERRORS.get(answer.code)}`,
      status: 400,
      split: false,
    };
  }
  return { kind: 'reject', reason, status: 400, split: true };
}
