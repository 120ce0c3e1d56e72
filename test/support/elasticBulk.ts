/**
 * An Elasticsearch _bulk endpoint on loopback that enforces the protocol: NDJSON, action/source line pairs, an
 * index per action, lowercase index names, `create` refusing an _id the index already holds (409), and a
 * per-item answer with `errors: true` when any item failed. Mapping errors and throttling are injected per
 * document. GET /_security/_authenticate says who the credential is, or 401.
 */
import { startServer, type RecordedRequest, type Reply } from './httpServer.js';

export interface ElasticOptions {
  /** The Authorization header a request must carry. */
  readonly authorization: string;
  /** Documents for which this is true fail as a mapping error would (400 mapper_parsing_exception). */
  readonly mappingError?: (source: string) => boolean;
  /** How many of a document's first attempts are answered 429 (es_rejected_execution_exception). */
  readonly throttle?: (source: string) => number;
}

export interface TestElastic {
  readonly url: string;
  /** index -> _id -> document text as it arrived. */
  readonly indices: Map<string, Map<string, string>>;
  readonly requests: RecordedRequest[];
  /** Item statuses answered so far, in order. */
  readonly itemStatuses: number[];
  close(): Promise<void>;
}

interface ItemResult {
  readonly status: number;
  readonly error?: { readonly type: string; readonly reason: string };
}

export async function startElasticBulk(options: ElasticOptions): Promise<TestElastic> {
  const indices = new Map<string, Map<string, string>>();
  const attempts = new Map<string, number>();
  const itemStatuses: number[] = [];
  const server = await startServer((request) => {
    if (request.method === 'GET' && request.path === '/_security/_authenticate') {
      if (request.headers.authorization !== options.authorization)
        return error(401, 'unable to authenticate with provided credentials');
      return {
        status: 200,
        body: {
          username: 'forwarder',
          roles: ['defender_writer'],
          authentication_type: 'api_key',
          api_key: { id: 'k1', name: 'forwarder' },
        },
      };
    }
    if (request.method !== 'POST' || new URL(request.path, 'http://x').pathname !== '/_bulk')
      return error(404, 'no handler found');
    if (request.headers.authorization !== options.authorization)
      return error(401, 'missing authentication credentials');
    if (!String(request.headers['content-type']).startsWith('application/x-ndjson'))
      return error(406, 'Content-Type must be application/x-ndjson');
    if (!request.body.endsWith('\n')) return error(400, 'The bulk request must be terminated by a newline [\\n]');
    const lines = request.body.slice(0, -1).split('\n');
    if (lines.length % 2 !== 0) return error(400, 'action without a source line');
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]!) as Record<string, { _index?: string; _id?: string }>;
      const [op, meta] = Object.entries(action)[0] ?? [];
      if (op !== 'create' && op !== 'index') return error(400, `unsupported action [${op}]`);
      if (!meta?._index) return error(400, 'an index is required');
      const source = lines[i + 1]!;
      const result = store(meta._index, meta._id ?? String(i), source);
      itemStatuses.push(result.status);
      items.push({ [op]: { _index: meta._index, _id: meta._id, ...result } });
    }
    return {
      status: 200,
      body: { took: 1, errors: items.some((item) => (Object.values(item)[0] as ItemResult).status >= 300), items },
    };
  });

  function store(index: string, id: string, source: string): ItemResult {
    if (index !== index.toLowerCase())
      return failure(400, 'invalid_index_name_exception', `Invalid index name [${index}], must be lowercase`);
    const tries = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, tries);
    if (tries <= (options.throttle?.(source) ?? 0))
      return failure(429, 'es_rejected_execution_exception', 'rejected execution of coordinating operation');
    if (options.mappingError?.(source))
      return failure(400, 'document_parsing_exception', 'failed to parse field [properties.ReportId]');
    let documents = indices.get(index);
    if (!documents) indices.set(index, (documents = new Map()));
    if (documents.has(id))
      return failure(409, 'version_conflict_engine_exception', `[${id}]: version conflict, document already exists`);
    documents.set(id, source);
    return { status: 201 };
  }

  return { url: server.url, indices, requests: server.requests, itemStatuses, close: () => server.close() };
}

function failure(status: number, type: string, reason: string): ItemResult {
  return { status, error: { type, reason } };
}

function error(status: number, reason: string): Reply {
  return { status, body: { error: { type: 'illegal_argument_exception', reason }, status } };
}
