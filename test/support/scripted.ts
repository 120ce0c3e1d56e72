/**
 * For the parts of delivery, tried without a server: records through the real unpack, a clock whose waits pass
 * at once, and sends that answer from a script.
 */
import type { ForwardRecord } from '../../shared/types/records.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { body, keyedRecord } from './records.js';

/** `count` records with RecordKey r-0, r-1, …; each record's `index` is its place. */
export function forwardRecords(count: number): ForwardRecord[] {
  const texts = Array.from({ length: count }, (_, i) => keyedRecord(`r-${i}`));
  return unpackMessages([{ body: body(texts), source: {} }], { maxRecordBytes: 1 << 20 }).records;
}

export const indexes = (records: readonly ForwardRecord[]) => records.map((record) => record.index);

/** Time that passes only when told to, or when something sleeps; each wait is kept. */
export class TestClock {
  time = 1_000_000;
  readonly waits: number[] = [];
  /** What happens while a wait passes (a stop, say). */
  duringWait: (() => void) | undefined;
  readonly now = () => this.time;
  readonly sleep = async (ms: number, signal?: AbortSignal) => {
    this.waits.push(ms);
    this.time += ms;
    this.duringWait?.();
    signal?.throwIfAborted();
  };
}

/**
 * A send that answers each call with the script's next entry (a value, or a function of what was sent) and keeps
 * what each call was given; a call past the script's end fails the test.
 */
export function scripted<Args extends unknown[], Answer>(script: ReadonlyArray<Answer | ((...args: Args) => Answer)>) {
  const calls: Args[] = [];
  const send = async (...args: Args): Promise<Answer> => {
    const entry = script[calls.length];
    calls.push(args);
    if (entry === undefined) throw new Error(`the script has ${script.length} answers; call ${calls.length} had none`);
    return typeof entry === 'function' ? (entry as (...args: Args) => Answer)(...args) : entry;
  };
  return Object.assign(send, { calls });
}
