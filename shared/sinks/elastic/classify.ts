/**
 * A bulk answer is read item by item when it says `errors: true`: 409 means the document is already there (a
 * resend), 429 and 5xx are worth another try, anything else (a mapping error) will fail again and is refused.
 */
import { classifyResponse } from '../../deliver/outcome.js';
import type { ItemOutcome, Outcome, SiemResponse } from '../../types/outcome.js';

interface BulkItemResult {
  readonly status?: number;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

interface BulkAnswer {
  readonly errors?: boolean;
  readonly items?: readonly Readonly<Record<string, BulkItemResult>>[];
}

export function classifyBulkResponse(response: SiemResponse): Outcome {
  if (response.status !== 200) return classifyResponse(response);
  let answer: BulkAnswer;
  try {
    answer = JSON.parse(response.body) as BulkAnswer;
  } catch {
    // Unreadable (or cut short): sending again is safe, documents already indexed answer 409.
    return { kind: 'retry', reason: 'unreadable bulk response', status: 200 };
  }
  if (answer.errors !== true) return { kind: 'delivered' };
  return { kind: 'partial', items: (answer.items ?? []).map((item) => itemOutcome(Object.values(item)[0] ?? {})) };
}

function itemOutcome(result: BulkItemResult): ItemOutcome {
  const status = result.status ?? 0;
  if ((status >= 200 && status < 300) || status === 409) return { kind: 'delivered' };
  const reason = `${result.error?.type ?? `HTTP ${status}`}${result.error?.reason ? `: ${result.error.reason}` : ''}`;
  if (status === 429 || status >= 500) return { kind: 'retry', reason, status };
  return { kind: 'reject', reason, status };
}
