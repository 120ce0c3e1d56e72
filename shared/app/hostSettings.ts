import { readFileSync } from 'node:fs';
import { parseTimeSpan } from '../config/timeSpan.js';

/** Flex Consumption's default when host.json does not say. */
const DEFAULT_FUNCTION_TIMEOUT_MS = 30 * 60_000;

/** functionTimeout from host.json ("hh:mm:ss", or -1 for none), in ms. */
export function readFunctionTimeoutMs(hostJsonPath: URL | string): number {
  let host: { functionTimeout?: unknown };
  try {
    host = JSON.parse(readFileSync(hostJsonPath, 'utf8')) as { functionTimeout?: unknown };
  } catch {
    return DEFAULT_FUNCTION_TIMEOUT_MS;
  }
  return parseTimeSpan(host.functionTimeout) ?? DEFAULT_FUNCTION_TIMEOUT_MS;
}

/**
 * How long an invocation may start requests and wait to retry. After it, a request in flight still runs to its
 * own timeout, and dead letters must still be written before the host kills the invocation: the margin (the
 * larger of 30 s and 10 % of functionTimeout) is for those writes.
 */
export function invocationBudgetMs(functionTimeoutMs: number, retryBudgetMs: number, requestTimeoutMs: number): number {
  if (!Number.isFinite(functionTimeoutMs)) return retryBudgetMs;
  const margin = Math.max(30_000, functionTimeoutMs * 0.1);
  return Math.max(1_000, Math.min(retryBudgetMs, functionTimeoutMs - margin - requestTimeoutMs));
}
