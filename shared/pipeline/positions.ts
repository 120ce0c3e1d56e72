/**
 * Where records sit in what was read: each one's message (hub, partition and sequence number; file, blob and line;
 * or the dead letter it was redriven from, when that letter does not say) and its index in that message's body.
 * Two identical records never share a position, and a record keeps its position on every try and through a dead
 * letter, so what is named after positions (Idempotency-Keys, dead letters) tells identical batches from other
 * places apart and stays the same when a batch is tried again.
 */
import type { ForwardRecord, MessageSource, Position } from '../types/records.js';

/** Neighbouring positions in one message, as a dead letter stores them (`positions`). */
export type PositionRun = Pick<MessageSource, (typeof MESSAGE_FIELDS)[number]> & {
  readonly first: number;
  readonly last: number;
};

// What tells messages apart and stays the same on every read of one (not its offset or enqueued time as written).
const MESSAGE_FIELDS = ['hub', 'partition', 'sequenceNumber', 'file', 'blob', 'line', 'letter'] as const;

/** Where a record first sat: as its dead letter carried it, else where it was read. */
export function positionOf(record: ForwardRecord): Position {
  return record.from ?? record;
}

/**
 * The positions of a batch's records as text, for the digest named after them: each message written once, before
 * the indexes of its records that follow one another. Made for every request, so it builds no object a record.
 */
export function positionsText(records: readonly ForwardRecord[]): string {
  let text = '';
  let previous: string | undefined;
  for (const record of records) {
    const { source, index } = positionOf(record);
    const message = describe(source);
    text += message === previous ? `,${index}` : `;${message}:${index}`;
    previous = message;
  }
  return text;
}

// A message's description, once per source object (the records of a message share theirs).
const descriptions = new WeakMap<MessageSource, string>();

/** The same text for a message however it was read again: from the hub, or from the run a dead letter stored. */
function describe(source: MessageSource): string {
  let text = descriptions.get(source);
  if (text === undefined)
    descriptions.set(source, (text = JSON.stringify(MESSAGE_FIELDS.map((field) => source[field]))));
  return text;
}

/** Runs of neighbours: records of one message (one source object) with consecutive indexes. */
export function positionRuns(positions: readonly Position[]): PositionRun[] {
  const runs: PositionRun[] = [];
  let source: MessageSource | undefined;
  let run: { -readonly [K in keyof PositionRun]: PositionRun[K] } | undefined;
  for (const { source: next, index } of positions) {
    if (run && next === source && index === run.last + 1) {
      run.last = index;
      continue;
    }
    source = next;
    run = { first: index, last: index };
    for (const field of MESSAGE_FIELDS) if (next[field] !== undefined) Object.assign(run, { [field]: next[field] });
    runs.push(run);
  }
  return runs;
}

/** The positions a dead letter's `positions` stand for, one per record; undefined unless they are `count` valid ones. */
export function expandRuns(stored: unknown, count: number): Position[] | undefined {
  if (!Array.isArray(stored)) return undefined;
  const positions: Position[] = [];
  for (const run of stored as unknown[]) {
    if (!isRun(run) || positions.length + run.last - run.first + 1 > count) return undefined;
    const { first, last, ...source } = run;
    for (let index = first; index <= last; index++) positions.push({ source, index });
  }
  return positions.length === count ? positions : undefined;
}

function isRun(value: unknown): value is PositionRun {
  if (!value || typeof value !== 'object') return false;
  const { first, last } = value as Partial<PositionRun>;
  return Number.isSafeInteger(first) && Number.isSafeInteger(last) && first! <= last!;
}
