import { readFileSync } from 'node:fs';

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

export function parseTimeSpan(value: unknown): number | undefined {
  if (value === -1 || value === '-1') return Number.POSITIVE_INFINITY;
  if (typeof value !== 'string') return undefined;
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

/** Stop starting work this long before the host would kill the invocation: enough to write dead letters. */
export function invocationBudgetMs(functionTimeoutMs: number, retryBudgetMs: number): number {
  const margin = Math.max(30_000, functionTimeoutMs * 0.1);
  return Math.max(1_000, Math.min(retryBudgetMs, functionTimeoutMs - margin));
}
