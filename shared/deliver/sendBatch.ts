/**
 * Send: one batch to the SIEM until every record in it is delivered or has a final answer. Layers, one idea each:
 * a try posts the request (request.ts) with the secret, read again once when the SIEM refuses it
 * (refreshingCredential.ts); an answer item by item settles record by record (partialAnswers.ts); tries repeat
 * with backoff, never past the deadline (retrying.ts); a part refused as too large or as bad is halved until the
 * refusing records stand alone (bisect.ts). Here each part's last answer becomes its records' fate.
 */
import type { ForwardRecord } from '../types/records.js';
import type { SecretProvider } from '../secrets/secretProvider.js';
import type { Post, Sink } from '../types/sink.js';
import type { BackoffPolicy } from './backoff.js';
import type { AttemptEvent, BatchResult, FailureReason, SiemResponse } from '../types/outcome.js';
import { bisect } from './bisect.js';
import { BatchLedger, refusal, type Failure } from './ledger.js';
import { answeredItemByItem } from './partialAnswers.js';
import { refreshingCredential } from './refreshingCredential.js';
import { requestSender } from './request.js';
import { REAL_TIME, retrying, type Retried } from './retrying.js';
import type { RetryAnswer } from './sent.js';

export interface DeliveryContext {
  readonly sink: Sink;
  readonly post: Post;
  readonly secrets: SecretProvider;
  readonly backoff: BackoffPolicy;
  /** Epoch ms after which no request is started and no retry waited for; one in flight runs to its own timeout. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  readonly onAttempt?: (event: AttemptEvent) => void;
  readonly now?: () => number;
}

export async function sendBatch(
  category: string,
  records: readonly ForwardRecord[],
  context: DeliveryContext,
): Promise<BatchResult> {
  const now = context.now ?? Date.now;
  const ledger = new BatchLedger(category);
  const request = requestSender(category, { ...context, now });
  const policy = { ...REAL_TIME, now, backoff: context.backoff, deadline: context.deadline, signal: context.signal };
  // Composed for each part: a half has tries and a credential refresh of its own, as the whole batch had.
  const sendPart = (part: readonly ForwardRecord[]) => {
    const tryPart = answeredItemByItem(
      refreshingCredential(request, context.secrets, () => now() >= context.deadline),
      ledger,
    );
    return retrying(tryPart, policy)(part);
  };
  for await (const retried of bisect(records, sendPart)) settle(retried, ledger);
  return ledger.result();
}

/** A part's last answer as the fate of its records. */
function settle(retried: Retried, ledger: BatchLedger): void {
  if (retried.sent.kind === 'delivered') ledger.delivered(retried.records);
  else ledger.failed(retried.records, failureOf(retried.sent, retried.attempts));
}

function failureOf(sent: Exclude<Retried['sent'], { readonly kind: 'delivered' }>, attempts: number): Failure {
  const failure = (reason: FailureReason, detail: string, retryable: boolean, response?: SiemResponse): Failure => ({
    reason,
    detail,
    attempts,
    retryable,
    response,
  });
  switch (sent.kind) {
    case 'reject':
      return refusal(sent.reason, attempts, sent.response);
    case 'unauthorized':
      return failure(
        'siem-unauthorized',
        `the SIEM refused the credential (HTTP ${sent.status}) after it was read again`,
        true,
        sent.response,
      );
    case 'unsent':
      // A secret may be readable later; records that cannot be written as a request never will be.
      return failure(sent.reason, sent.detail, sent.reason === 'secret-unavailable');
    case 'retry':
      return failure('siem-unavailable', unavailableUntilDeadline(sent), true, sent.response);
    case 'pending':
      return failure(
        'siem-unavailable',
        'records the SIEM asked to resend were still pending at the deadline',
        true,
        sent.response,
      );
    case 'late':
      return failure(
        'siem-unavailable',
        sent.after ? unavailableUntilDeadline(sent.after) : 'the deadline passed before the records could be sent',
        true,
      );
  }
}

function unavailableUntilDeadline(answer: RetryAnswer): string {
  const problem = answer.hint === undefined ? answer.reason : `${answer.reason}: ${answer.hint}`;
  return `the SIEM was unavailable until the deadline: ${problem}`;
}
