/**
 * What a SIEM's answer means for a batch, decided once, here. Delivery acts on these values; nothing else
 * looks at status codes.
 */
import type { Outcome, SiemResponse } from '../types/outcome.js';

export function classifyResponse(response: SiemResponse, now = Date.now()): Outcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 401 || status === 403) return { kind: 'unauthorized', status };
  const hint = misdirectionHint(response);
  if (status === 408 || status === 429 || status >= 500 || hint !== undefined) {
    const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), now);
    return {
      kind: 'retry',
      reason: `HTTP ${status}`,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(hint === undefined ? {} : { hint }),
    };
  }
  if (status === 413) return { kind: 'reject', reason: 'payload too large', status, split: true };
  if (status === 400) return { kind: 'reject', reason: 'bad request', status, split: true };
  return { kind: 'reject', reason: `HTTP ${status}`, status, split: false };
}

const FIX_THE_ADDRESS = "check SIEM_URL (or the route's url in SIEM_ROUTES)";
const LOCATION_SHOWN_CHARS = 200;

/** For a redirect or a 404: what the answer says about the destination and what to fix; undefined for any other. */
function misdirectionHint(response: SiemResponse): string | undefined {
  const { status } = response;
  if (status === 404)
    return `the SIEM answered Not Found: the address is wrong or the endpoint moved; ${FIX_THE_ADDRESS}`;
  if (status < 300 || status >= 400) return undefined;
  const location = header(response, 'location');
  const to = location === undefined ? '' : ` to ${withoutQuery(location).slice(0, LOCATION_SHOWN_CHARS)}`;
  // Following it would send the credential wherever the answer says.
  return `the SIEM answered with a redirect${to}, not followed: the credential goes to the configured address only; ${FIX_THE_ADDRESS}`;
}

/** A URL as a log may show it: no user, password, query or fragment (any of them may hold a token). */
function withoutQuery(location: string): string {
  try {
    const url = new URL(location);
    return `${url.origin}${url.pathname}`;
  } catch {
    return location.replace(/[?#].*$/s, '');
  }
}

export function classifyNetworkError(error: unknown): Outcome {
  const code = (error as { code?: unknown }).code;
  const name = error instanceof Error ? error.name : 'error';
  return { kind: 'retry', reason: typeof code === 'string' ? `network: ${code}` : `network: ${name}` };
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // Every HTTP-date form names the month; without this, Date.parse takes "-3" for a year.
  if (!/[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function header(response: SiemResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
