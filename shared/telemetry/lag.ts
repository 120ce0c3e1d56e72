/**
 * Lag: how far behind the stream the forwarder runs. Enqueued lag is per message (now minus when Event Hubs took
 * it in); record lag is per record (now minus the record's `time`, when Defender received the event).
 *
 * Application Insights keeps a histogram as count, sum, min and max per minute, so recording every record buys
 * nothing a sample does not show, at a cost the hot path notices. Each category records an evenly spread sample
 * that always holds its oldest record, so the maximum that lag alerts watch stays exact.
 */
import type { EventMessage, ForwardRecord } from '../pipeline/types.js';

export const LAG_SAMPLES_PER_CATEGORY = 64;

/** Now minus each message's enqueued time, in ms; messages without one (files) are skipped. */
export function enqueuedLags(messages: readonly EventMessage[], now: number): number[] {
  const lags: number[] = [];
  for (const message of messages) {
    const lag = lagOf(message.source.enqueuedTime, now);
    if (lag !== undefined) lags.push(lag);
  }
  return lags;
}

/** Per category, a sample of now minus each record's `time`, in ms, holding the largest. */
export function recordLagSamples(
  records: readonly ForwardRecord[],
  now: number,
  limit = LAG_SAMPLES_PER_CATEGORY,
): Map<string, number[]> {
  const lags = new Map<string, number[]>();
  for (const record of records) {
    const lag = lagOf(record.time, now);
    if (lag === undefined) continue;
    const list = lags.get(record.category);
    if (list) list.push(lag);
    else lags.set(record.category, [lag]);
  }
  for (const [category, list] of lags) lags.set(category, spreadSample(list, limit));
  return lags;
}

function lagOf(time: string | undefined, now: number): number | undefined {
  if (time === undefined) return undefined;
  const at = Date.parse(time);
  // A clock running ahead of ours is not negative lag: histograms ignore negative values.
  return Number.isNaN(at) ? undefined : Math.max(0, now - at);
}

function spreadSample(values: readonly number[], limit: number): number[] {
  if (values.length <= limit) return [...values];
  const step = values.length / (limit - 1);
  const sample = Array.from({ length: limit - 1 }, (_, i) => values[Math.floor(i * step)]!);
  sample.push(maxOf(values)!);
  return sample;
}

export function maxOf(values: Iterable<number>): number | undefined {
  let max: number | undefined;
  for (const value of values) if (max === undefined || value > max) max = value;
  return max;
}
