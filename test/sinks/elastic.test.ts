import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordId } from '../../shared/pipeline/recordId.js';
import { startElasticBulk, type ElasticOptions, type TestElastic } from '../support/elasticBulk.js';
import { conserved, withForwarder, type TestForwarder } from '../support/forwarder.js';
import { body, deviceEvent, recordText } from '../support/records.js';

const API_KEY = 'aWQ6c2VjcmV0LWtleQ==';

async function withElastic(
  options: Partial<ElasticOptions>,
  env: Record<string, string>,
  run: (elastic: TestElastic, forwarder: TestForwarder) => Promise<void>,
) {
  const elastic = await startElasticBulk({ authorization: `ApiKey ${API_KEY}`, ...options });
  await withForwarder(
    elastic,
    { SIEM_URL: elastic.url, SIEM_FORMAT: 'elastic-bulk', SIEM_SECRET: API_KEY, ...env },
    run,
  );
}

const processRecord = (file: string) =>
  recordText({ table: 'DeviceProcessEvents', properties: `"DeviceId":"d1","FileName":"${file}","MachineGroup":"G"` });
const email = recordText({ table: 'EmailEvents', properties: '"NetworkMessageId":"n-1","ReportId":"r-1"' });

test('create actions carry the record id, one lowercase index per table, the record text as the document', async () => {
  await withElastic(
    {},
    { SIEM_ROUTES: '{"AdvancedHunting-EmailEvents":{"index":"mail"}}' },
    async (elastic, forwarder) => {
      const summary = await forwarder.run([body([processRecord('a.exe'), email, processRecord('b.exe')])]);
      assert.equal(summary.forwarded, 3);
      assert.ok(conserved(summary));
      assert.equal(elastic.requests[0]!.path, '/_bulk');
      assert.equal(elastic.requests[0]!.headers.authorization, `ApiKey ${API_KEY}`);
      assert.deepEqual([...elastic.indices.keys()].sort(), ['defender-deviceprocessevents', 'mail']);
      assert.deepEqual(elastic.indices.get('mail'), new Map([[recordId(email), email]]));
      assert.equal(
        elastic.indices.get('defender-deviceprocessevents')!.get(recordId(processRecord('b.exe'))),
        processRecord('b.exe'),
      );
    },
  );
});

test('records sent again answer 409 and count as delivered, so a replay adds no duplicates', async () => {
  await withElastic({}, {}, async (elastic, forwarder) => {
    const batch = body([processRecord('a.exe'), processRecord('b.exe')]);
    await forwarder.run([batch]);
    const again = await forwarder.run([batch]);
    assert.equal(again.forwarded, 2);
    assert.equal(again.deadLettered, 0);
    assert.deepEqual(elastic.itemStatuses, [201, 201, 409, 409]);
    assert.equal(elastic.indices.get('defender-deviceprocessevents')!.size, 2);
  });
});

test('errors:true is read item by item: 429 resent alone, a mapping error dead-lettered, the rest delivered', async () => {
  const options: Partial<ElasticOptions> = {
    throttle: (source) => (source.includes('busy.exe') ? 1 : 0),
    mappingError: (source) => source.includes('bad.exe'),
  };
  await withElastic(options, {}, async (elastic, forwarder) => {
    const summary = await forwarder.run([
      body([processRecord('a.exe'), processRecord('busy.exe'), processRecord('bad.exe'), processRecord('c.exe')]),
    ]);
    assert.equal(summary.forwarded, 3);
    assert.equal(summary.deadLettered, 1);
    assert.ok(conserved(summary));
    assert.deepEqual(elastic.itemStatuses, [201, 429, 400, 201, 201]);
    assert.equal(elastic.requests.length, 2);
    assert.match(elastic.requests[1]!.body, /busy\.exe/);
    assert.doesNotMatch(elastic.requests[1]!.body, /a\.exe|bad\.exe|c\.exe/);
    assert.equal(summary.failures[0]!.status, 400);
    assert.match(summary.failures[0]!.detail, /document_parsing_exception/);
  });
});

test('basic auth sends user:password from the secret; gzip bodies are accepted', async () => {
  const basic = `Basic ${Buffer.from('elastic:changeme').toString('base64')}`;
  await withElastic(
    { authorization: basic },
    { SIEM_AUTH: 'basic', SIEM_SECRET: 'elastic:changeme', SIEM_GZIP: 'true' },
    async (elastic, forwarder) => {
      const records = Array.from({ length: 30 }, (_, i) => deviceEvent(`dev-${i}`, 'Servers'));
      const summary = await forwarder.run([body(records)]);
      assert.equal(summary.forwarded, 30);
      assert.equal(elastic.requests[0]!.headers['content-encoding'], 'gzip');
      assert.ok(elastic.requests[0]!.wireBytes < Buffer.byteLength(elastic.requests[0]!.body));
    },
  );
});
