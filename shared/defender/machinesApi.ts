/**
 * The Microsoft Defender for Endpoint machines API (GET /api/machines), page by page: OData server-driven paging
 * through @odata.nextLink, a token from the app's managed identity (application permission Machine.Read.All),
 * and the API's throttling (100 calls a minute) honoured through Retry-After.
 *
 * The refresh asks no $top or $select: pages already hold the documented maximum of 10,000 machines, and $select
 * is not documented for this API, so asking for it could turn a working refresh into a 400. $top is documented,
 * and `defender-forwarder check` asks for a page of one.
 */
import type { TokenCredential } from '@azure/identity';
import { backoffDelay, type BackoffPolicy } from '../deliver/backoff.js';
import { parseRetryAfter } from '../deliver/outcome.js';
import { withTimeout } from '../timeout/withTimeout.js';

/** The fields of a machine the directory uses; the API sends many more. */
export interface Machine {
  readonly id?: unknown;
  readonly computerDnsName?: unknown;
  readonly rbacGroupName?: unknown;
}

export interface MachinesApiOptions {
  /** e.g. https://api.securitycenter.microsoft.com; the path /api/machines is added. */
  readonly apiUrl: URL;
  readonly scope: string;
  readonly credential: TokenCredential;
  /** Time allowed for one attempt: the app identity's token, the request and the page it answers. */
  readonly timeoutMs?: number;
  /** Machines per page ($top); unset, the API's largest page. `defender-forwarder check` asks for one. */
  readonly pageSize?: number;
  /** Attempts per page before giving up (throttling and server errors are retried). */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  /** How a pause is taken; tests record the pauses instead of sitting through them. */
  readonly wait?: (ms: number) => Promise<void>;
}

export class MachinesApiError extends Error {
  readonly status: number | undefined;

  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MachinesApiError';
    this.status = status;
  }
}

const DEFAULTS = {
  timeoutMs: 60_000,
  maxAttempts: 6,
  backoff: { initialMs: 1_000, maxMs: 60_000 },
  wait: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
} as const;
// A Retry-After longer than this means the hourly quota (1,500 calls) is spent: better to fail and run next time.
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Every machine the identity may see, one page at a time. */
export async function* listMachines(options: MachinesApiOptions): AsyncGenerator<readonly Machine[]> {
  const { pageSize, ...rest } = options;
  const settings = { ...DEFAULTS, ...rest };
  let next: URL | undefined = new URL('/api/machines', options.apiUrl);
  if (pageSize !== undefined) next.searchParams.set('$top', String(pageSize));
  while (next) {
    const page = await getPage(next, settings);
    yield page.value;
    next = page.nextLink === undefined ? undefined : sameOrigin(page.nextLink, options.apiUrl);
  }
}

interface Page {
  readonly value: readonly Machine[];
  readonly nextLink?: string;
}

async function getPage(url: URL, settings: Required<Omit<MachinesApiOptions, 'pageSize'>>): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    let answer: Answer;
    try {
      // The token, the request and its body within the time allowed, whether or not the identity heeds the signal.
      answer = await withTimeout(settings.timeoutMs, 'the Defender API', (signal) => ask(url, settings, signal));
    } catch (error) {
      if (error instanceof MachinesApiError) throw error;
      if (attempt >= settings.maxAttempts)
        throw new MachinesApiError(`${url.pathname}: ${(error as Error).message}`, undefined, { cause: error });
      await settings.wait(backoffDelay(attempt, settings.backoff));
      continue;
    }
    if (answer.ok) return parsePage(answer.text, url);
    const { response } = answer;
    const retryable = response.status === 429 || response.status >= 500;
    if (!retryable || attempt >= settings.maxAttempts) throw failure(response, url, attempt);
    const retryAfter = parseRetryAfter(response.headers.get('retry-after') ?? undefined, Date.now());
    if (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS) throw failure(response, url, attempt);
    await settings.wait(retryAfter ?? backoffDelay(attempt, settings.backoff));
  }
}

/** A page's text, or the answer that was not one (its body already let go). */
type Answer = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly response: Response };

async function ask(
  url: URL,
  settings: Required<Omit<MachinesApiOptions, 'pageSize'>>,
  signal: AbortSignal,
): Promise<Answer> {
  const token = await settings.credential.getToken(settings.scope, { abortSignal: signal });
  if (!token) throw new MachinesApiError(`no token for ${settings.scope} from the app identity`);
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token.token}`, accept: 'application/json' },
    signal,
  });
  if (response.ok) return { ok: true, text: await response.text() };
  await response.body?.cancel();
  return { ok: false, response };
}

function failure(response: Response, url: URL, attempts: number): MachinesApiError {
  const hint =
    response.status === 401 || response.status === 403
      ? ': the app identity needs the WindowsDefenderATP application permission Machine.Read.All (see docs/enrichment.md)'
      : '';
  return new MachinesApiError(
    `GET ${url.pathname} answered ${response.status} after ${attempts} attempt(s)${hint}`,
    response.status,
  );
}

function parsePage(text: string, url: URL): Page {
  let body: { value?: unknown; '@odata.nextLink'?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new MachinesApiError(`GET ${url.pathname} answered with something that is not JSON`);
  }
  if (!Array.isArray(body.value)) throw new MachinesApiError(`GET ${url.pathname} answered without a "value" array`);
  const nextLink = body['@odata.nextLink'];
  return { value: body.value as Machine[], ...(typeof nextLink === 'string' ? { nextLink } : {}) };
}

/** The next page's URL, which must be on the API's own origin: the bearer token goes nowhere else. */
function sameOrigin(link: string, apiUrl: URL): URL {
  const url = new URL(link, apiUrl);
  if (url.origin !== apiUrl.origin) {
    throw new MachinesApiError(`refusing to follow @odata.nextLink to ${url.origin}: it is not ${apiUrl.origin}`);
  }
  return url;
}
