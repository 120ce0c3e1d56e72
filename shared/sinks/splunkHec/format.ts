/**
 * HEC's event protocol: one JSON object per record, concatenated. The record's text goes into `event` as it came;
 * the envelope around it is built as text, so the record is never parsed and serialized again.
 *   {"time":1784383690.0236840,"host":"<DeviceName>","source":"<hub>","sourcetype":"...","index":"...",
 *    "event":<record>,"fields":{"category":"...","MachineGroup":"...","record_id":"..."}}
 */
import { idOf } from '../../pipeline/recordId.js';
import type { ForwardRecord } from '../../types/records.js';
import type { Router } from '../../route/router.js';
import type { Format } from '../../types/format.js';
import { recordBody, type Around } from '../recordBody.js';
import { epochSeconds } from './epochTime.js';

/** `source` when the record's Event Hub is not known (a replay from files). */
export const DEFAULT_SOURCE = 'defender-siem-forwarder';

export function splunkHecFormat(router: Router): Format {
  const envelope = (record: ForwardRecord): Around => {
    const route = router.route(record);
    const time = record.time === undefined ? undefined : epochSeconds(record.time);
    const host = record.device?.deviceName;
    const group = record.device?.machineGroup;
    let before = '{';
    if (time !== undefined) before += `"time":${time},`;
    if (host) before += `"host":${JSON.stringify(host)},`;
    before += `"source":${JSON.stringify(record.source.hub ?? DEFAULT_SOURCE)}`;
    if (route.sourcetype !== undefined) before += `,"sourcetype":${JSON.stringify(route.sourcetype)}`;
    if (route.index !== undefined) before += `,"index":${JSON.stringify(route.index)}`;
    before += ',"event":';
    let after = `,"fields":{"category":${JSON.stringify(record.category)}`;
    // Indexed fields must be strings: a MachineGroup that is null or not a string is left out.
    if (group?.kind === 'value' && typeof group.value === 'string')
      after += `,"MachineGroup":${JSON.stringify(group.value)}`;
    after += `,"record_id":"${idOf(record)}"}}`;
    return { before, after };
  };
  // The batcher measures each record's envelope and the encoder writes it: made once, for the record's lifetime.
  const envelopes = new WeakMap<ForwardRecord, Around>();
  const envelopeOf = (record: ForwardRecord): Around => {
    let known = envelopes.get(record);
    if (!known) envelopes.set(record, (known = envelope(record)));
    return known;
  };
  const shape = { open: '', between: '', close: '', around: envelopeOf };
  return {
    contentType: 'application/json',
    frameBytes: 0,
    recordBytes(record) {
      const { before, after } = envelopeOf(record);
      return Buffer.byteLength(before) + record.bytes + Buffer.byteLength(after);
    },
    encode: (records) => recordBody(records, shape),
  };
}
