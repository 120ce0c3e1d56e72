/**
 * Lag: how far behind the stream the forwarder runs. Enqueued lag is per message (now minus when Event Hubs took
 * it in): exact, and what lag alerts watch. Record lag is now minus a record's `time`, when Defender received the
 * event, so it adds Defender's own delay to ours.
 *
 * Record lag is sampled: Application Insights keeps a histogram as count, sum, min and max per minute, which an
 * even sample shows as well as every record would, while reading every record's time would cost the hot path
 * about a tenth of what unpacking costs. The sample is spread over the invocation's records, so each category
 * is sampled in proportion to its share.
 */
import type { EventMessage, ForwardRecord } from '../types/records.js';

export const LAG_SAMPLES_PER_INVOCATION = 256;

/** Now minus each message's enqueued time, in ms; messages without one (files) are skipped. */
export function enqueuedLags(messages: readonly EventMessage[], now: number): number[] {
  const lags: number[] = [];
  for (const message of messages) {
    const lag = lagOf(message.source.enqueuedTime, now);
    if (lag !== undefined) lags.push(lag);
  }
  return lags;
}

/** Now minus the `time` of at most `limit` records spread evenly over all of them, in ms, per category. */
export function recordLagSamples(
  records: readonly ForwardRecord[],
  now: number,
  limit = LAG_SAMPLES_PER_INVOCATION,
): Map<string, number[]> {
  const samples = new Map<string, number[]>();
  const step = Math.max(1, records.length / limit);
  for (let at = 0; at < records.length; at += step) {
    const record = records[Math.floor(at)]!;
    const lag = lagOf(record.time, now);
    if (lag === undefined) continue;
    const lags = samples.get(record.category);
    if (lags) lags.push(lag);
    else samples.set(record.category, [lag]);
  }
  return samples;
}

function lagOf(time: string | undefined, now: number): number | undefined {
  if (time === undefined) return undefined;
  const at = Date.parse(time);
  // A clock running ahead of ours is not negative lag: histograms ignore negative values.
  return Number.isNaN(at) ? undefined : Math.max(0, now - at);
}

export function maxOf(values: Iterable<number>): number | undefined {
  let max: number | undefined;
  for (const value of values) if (max === undefined || value > max) max = value;
  return max;
}
