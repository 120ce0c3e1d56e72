/**
 * A SIEM on loopback that fails as scripted: per request it answers, hangs, cuts the connection mid-body, or
 * accepts and then cuts its answer. It keeps the RecordKey of every record it accepted (2xx), duplicates
 * included, so a test can check that nothing was lost and count what arrived twice.
 */
import {
  ndjsonLines,
  startServer,
  type Interrupt,
  type RecordedRequest,
  type Reply,
  type TestServer,
} from './httpServer.js';
import { recordKeys } from './records.js';

export type Fault = Reply | 'hang' | 'accept-then-cut';
export type FaultScript = (request: RecordedRequest, index: number) => Fault | Promise<Fault>;

export interface FaultSiem extends TestServer {
  /** RecordKeys of accepted records, in arrival order, duplicates included. */
  readonly accepted: string[];
}

export const accept: Reply = { status: 200, body: { ok: true } };

export async function startFaultSiem(script: FaultScript = () => accept, interrupt?: Interrupt): Promise<FaultSiem> {
  const accepted: string[] = [];
  const keep = (request: RecordedRequest) => {
    for (const line of ndjsonLines(request)) accepted.push(...recordKeys(line));
  };
  const server = await startServer(
    async (request, index, raw) => {
      const fault = await script(request, index);
      if (fault === 'hang') return undefined;
      if (fault === 'accept-then-cut') {
        keep(request);
        raw.response.writeHead(200, { 'content-type': 'application/json', 'content-length': '64' });
        raw.response.write('{"ok":');
        raw.response.socket?.destroy();
        return undefined;
      }
      if (fault.status >= 200 && fault.status < 300) keep(request);
      return fault;
    },
    undefined,
    interrupt,
  );
  return { ...server, accepted };
}

/** Accepted RecordKeys counted once, and how many arrived more than once. */
export function deliveredOnce(siem: FaultSiem): { unique: Set<string>; duplicates: number } {
  const unique = new Set(siem.accepted);
  return { unique, duplicates: siem.accepted.length - unique.size };
}
