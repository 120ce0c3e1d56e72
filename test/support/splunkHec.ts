/**
 * A Splunk HTTP Event Collector on loopback that enforces the protocol: `Authorization: Splunk <token>`, the
 * /services/collector/event path, concatenated event objects each with an `event`, a numeric `time`, string
 * indexed `fields`; HEC's error codes (9 busy, 6 with invalid-event-number, events before it kept, 5 for no data);
 * /services/collector/health; and, with indexer acknowledgement, the request channel and /services/collector/ack.
 */
import type { ServerOptions } from 'node:https';
import { JsonScanner } from '../../shared/unpack/jsonScanner.js';
import { startServer, type RecordedRequest, type Reply } from './httpServer.js';

export interface HecEvent {
  /** The envelope without `event`. */
  readonly envelope: Record<string, unknown>;
  /** The `event` value's text, exactly as it arrived. */
  readonly eventText: string;
  readonly channel?: string;
}

export interface HecOptions {
  readonly token: string;
  /** Indexer acknowledgement: requests need a channel, and answer with an ackId. */
  readonly ack?: boolean;
  /** Polls of an ackId answered `false` before it reads as indexed; Infinity never indexes. */
  readonly pollsBeforeIndexed?: number;
  /** The first this many requests get 503 code 9 (server is busy). */
  readonly busyRequests?: number;
  /** /services/collector/health answers 503 code 18, as when HEC's queues are full. */
  readonly unhealthy?: boolean;
  /** Events for which this is true fail parsing (code 6), as a malformed event would. */
  readonly invalid?: (eventText: string) => boolean;
  readonly tls?: ServerOptions;
}

export interface TestHec {
  readonly url: string;
  readonly events: HecEvent[];
  readonly requests: RecordedRequest[];
  /** ackId -> polls so far. */
  readonly ackPolls: Map<number, number>;
  close(): Promise<void>;
}

export async function startSplunkHec(options: HecOptions): Promise<TestHec> {
  const events: HecEvent[] = [];
  const ackPolls = new Map<number, number>();
  let nextAckId = 0;
  let eventRequests = 0;
  const server = await startServer((request) => {
    const path = new URL(request.path, 'http://x');
    // Health needs no token, as in Splunk.
    if (request.method === 'GET' && path.pathname === '/services/collector/health') {
      return options.unhealthy ? hec(503, 'HEC is unhealthy, queues are full', 18) : hec(200, 'HEC is healthy', 17);
    }
    if (request.method !== 'POST') return hec(405, 'Method not allowed', -1);
    const authorization = request.headers.authorization;
    if (!authorization) return hec(401, 'Token is required', 2);
    if (authorization !== `Splunk ${options.token}`) return hec(403, 'Invalid token', 4);
    const channel = header(request, 'x-splunk-request-channel') ?? path.searchParams.get('channel') ?? undefined;
    if (path.pathname === '/services/collector/ack') {
      if (!options.ack) return hec(400, 'ACK is disabled', 14);
      const acks = (JSON.parse(request.body) as { acks: number[] }).acks;
      const answer: Record<string, boolean> = {};
      for (const id of acks) {
        const polls = (ackPolls.get(id) ?? 0) + 1;
        ackPolls.set(id, polls);
        answer[String(id)] = polls > (options.pollsBeforeIndexed ?? 1);
      }
      return { status: 200, body: { acks: answer } };
    }
    if (path.pathname !== '/services/collector/event') return hec(404, 'Not found', 404);
    if (options.ack && !channel) return hec(400, 'Data channel is missing', 10);
    if (eventRequests++ < (options.busyRequests ?? 0)) return hec(503, 'Server is busy', 9);
    const parsed = parseEvents(request.body, channel);
    for (const [i, event] of parsed.events.entries()) {
      if (options.invalid?.(event.eventText)) return hec(400, 'Invalid data format', 6, i);
      events.push(event);
    }
    if (parsed.error) return hec(400, parsed.error.text, parsed.error.code, parsed.error.index);
    if (!options.ack) return hec(200, 'Success', 0);
    return { status: 200, body: { text: 'Success', code: 0, ackId: nextAckId++ } };
  }, options.tls);
  return { url: server.url, events, requests: server.requests, ackPolls, close: () => server.close() };
}

interface ParseError {
  readonly code: number;
  readonly text: string;
  readonly index?: number;
}

/** Concatenated envelopes, up to the first bad one: what came before it is kept, as HEC does. */
function parseEvents(body: string, channel: string | undefined): { events: HecEvent[]; error?: ParseError } {
  const scanner = new JsonScanner(body);
  const events: HecEvent[] = [];
  if (Number.isNaN(scanner.peek())) return { events, error: { code: 5, text: 'No data' } };
  while (!Number.isNaN(scanner.peek())) {
    const index = events.length;
    const fail = (code: number, text: string) => ({ events, error: { code, text, index } });
    const start = scanner.pos;
    let eventText: string | undefined;
    try {
      scanner.forEachMember((keyStart) => {
        if (scanner.keyIs(keyStart, 'event')) {
          const from = scanner.pos;
          eventText = body.slice(from, scanner.skipValue());
        } else {
          scanner.skipValue();
        }
      });
    } catch {
      return fail(6, 'Invalid data format');
    }
    const envelope = JSON.parse(body.slice(start, scanner.pos)) as Record<string, unknown>;
    if (eventText === undefined) return fail(12, 'Event field is required');
    if (eventText === '""') return fail(13, 'Event field cannot be blank');
    if (envelope.time !== undefined && typeof envelope.time !== 'number') return fail(6, 'Invalid data format');
    const fields = envelope.fields as Record<string, unknown> | undefined;
    if (fields && Object.values(fields).some((value) => typeof value !== 'string'))
      return fail(15, 'Error in handling indexed fields');
    delete envelope.event;
    events.push({ envelope, eventText, ...(channel ? { channel } : {}) });
  }
  return { events };
}

function hec(status: number, text: string, code: number, invalidEvent?: number): Reply {
  return {
    status,
    body: { text, code, ...(invalidEvent === undefined ? {} : { 'invalid-event-number': invalidEvent }) },
  };
}

function header(request: RecordedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
