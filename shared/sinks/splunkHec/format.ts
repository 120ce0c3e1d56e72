/**
 * HEC's event protocol: one JSON object per record, concatenated. The record's text goes into `event` as it came;
 * the envelope around it is built as text, so the record is never parsed and serialized again.
 *   {"time":1784383690.0236840,"host":"<DeviceName>","source":"<hub>","sourcetype":"...","index":"...",
 *    "event":<record>,"fields":{"category":"...","MachineGroup":"...","record_id":"..."}}
 */
import type { ForwardRecord } from '../../pipeline/types.js';
import type { Router } from '../../route/router.js';
import type { Format } from '../format.js';
import { epochSeconds } from './epochTime.js';

/** `source` when the record's Event Hub is not known (a replay from files). */
export const DEFAULT_SOURCE = 'defender-siem-forwarder';

interface Envelope {
  readonly head: string;
  readonly tail: string;
}

export function splunkHecFormat(router: Router): Format {
  const envelope = (record: ForwardRecord): Envelope => {
    const route = router.route(record);
    const time = record.time === undefined ? undefined : epochSeconds(record.time);
    const host = record.device?.deviceName;
    const group = record.device?.machineGroup;
    let head = '{';
    if (time !== undefined) head += `"time":${time},`;
    if (host) head += `"host":${JSON.stringify(host)},`;
    head += `"source":${JSON.stringify(record.source.hub ?? DEFAULT_SOURCE)}`;
    if (route.sourcetype !== undefined) head += `,"sourcetype":${JSON.stringify(route.sourcetype)}`;
    if (route.index !== undefined) head += `,"index":${JSON.stringify(route.index)}`;
    head += ',"event":';
    let tail = `,"fields":{"category":${JSON.stringify(record.category)}`;
    // Indexed fields must be strings: a MachineGroup that is null or not a string is left out.
    if (group?.kind === 'value' && typeof group.value === 'string') tail += `,"MachineGroup":${JSON.stringify(group.value)}`;
    tail += `,"record_id":"${record.id}"}}`;
    return { head, tail };
  };
  return {
    contentType: 'application/json',
    emptyBytes: 0,
    recordBytes(record) {
      const { head, tail } = envelope(record);
      return Buffer.byteLength(head) + record.bytes + Buffer.byteLength(tail);
    },
    encode(records) {
      let body = '';
      for (const record of records) {
        const { head, tail } = envelope(record);
        body += head + record.text + tail;
      }
      return Buffer.from(body);
    },
  };
}
