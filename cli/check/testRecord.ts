/**
 * `--send-test-record`: one synthetic record, plainly marked, through the real unpack, encoder, request, retry and
 * answer classification, to the destination a record of its table and tenant goes to; then what the SIEM answered.
 * It does not pass enrichment, so it teaches the device directory nothing.
 */
import type { Config } from '../../shared/config/config.js';
import { maxRecordBytes } from '../../shared/batch/batch.js';
import type { SiemResponse } from '../../shared/types/outcome.js';
import { sendBatch } from '../../shared/deliver/sendBatch.js';
import type { FailureReason } from '../../shared/types/outcome.js';
import type { Pipeline } from '../../shared/pipeline/pipeline.js';
import { excerpt, failed, ok, shown } from './probes/probe.js';
import { unpackMessage, type Unpacked } from '../../shared/unpack/unpack.js';
import { sampleTable, sampleTenant } from './destinations.js';
import { result, type CheckResult } from './result.js';

/** How the record says what it is, in columns every Device* table has. */
export const TEST_ACTION_TYPE = 'DefenderForwarderCheck';
const TEST_DEVICE_NAME = 'defender-forwarder-check.invalid';

export async function sendTestRecord(config: Config, pipeline: Pipeline, timeoutMs: number): Promise<CheckResult> {
  const table = sampleTable(config);
  const record = testRecord(config, pipeline, table);
  const route = pipeline.sink.route(record);
  const subject = `test record (${table}, ActionType ${TEST_ACTION_TYPE}) to ${shown(route.url)}`;
  let answer: SiemResponse | undefined;
  const outcome = await sendBatch(record.category, [record], {
    sink: pipeline.sink,
    post: async (request, signal) => (answer = await pipeline.post(request, signal)),
    secrets: pipeline.secrets.of(route),
    backoff: pipeline.backoff,
    deadline: Date.now() + timeoutMs,
  });
  const said = answer
    ? `the SIEM answered HTTP ${answer.status} ${excerpt(answer.body)}`.trim()
    : 'the SIEM never answered';
  const failure = outcome.failed[0];
  if (!failure) return result('test-record', subject, ok(`sent one synthetic record; ${said}`));
  return result('test-record', subject, failed(`${failure.detail}; ${said}`, FIXES[failure.reason]));
}

const FIXES: Readonly<Record<FailureReason, string>> = {
  'siem-rejected':
    "the SIEM refused the record: its answer says why (index, stream, mapping); fix that on the SIEM's side or in the settings",
  'siem-unavailable': 'see the SIEM endpoint check above',
  'siem-unauthorized': 'see the SIEM credential check above',
  'secret-unavailable': 'see the secret check above',
  'missing-tenant': 'list the tenants in ALLOWED_TENANT_IDS',
  unroutable:
    'the record cannot be written into the destination URL or stream: check the templates in SIEM_URL, SIEM_ROUTES and SENTINEL_STREAM',
  unencodable: 'the request could not be built: its detail says why',
};

function testRecord(config: Config, pipeline: Pipeline, table: string) {
  const time = new Date().toISOString();
  const tenantId = sampleTenant(config);
  const record = {
    time,
    ...(tenantId ? { tenantId } : {}),
    category: `AdvancedHunting-${table}`,
    properties: {
      Timestamp: time,
      DeviceName: TEST_DEVICE_NAME,
      ActionType: TEST_ACTION_TYPE,
      AdditionalFields: JSON.stringify({
        note: 'synthetic record sent by defender-forwarder check --send-test-record; not Defender data',
      }),
    },
  };
  const unpacked: Unpacked = { records: [], rejected: [] };
  unpackMessage(
    { body: JSON.stringify({ records: [record] }), source: { file: 'defender-forwarder check --send-test-record' } },
    { maxRecordBytes: maxRecordBytes(pipeline.sink.format, pipeline.limits) },
    unpacked,
  );
  const [forwardRecord] = unpacked.records;
  if (!forwardRecord) throw new Error(`the test record did not unpack: ${unpacked.rejected[0]?.detail}`);
  return forwardRecord;
}
