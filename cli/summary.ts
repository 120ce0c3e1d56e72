/** Adds up per-invocation summaries for a command-line run, and prints them for people and for scripts. */
import { emptyCounts } from '../shared/pipeline/forward.js';
import type { CategoryCounts, ForwardSummary } from '../shared/types/summary.js';

export interface RunTotals {
  messages: number;
  received: number;
  forwarded: number;
  deadLettered: number;
  pending: number;
  excluded: number;
  readonly categories: Map<string, CategoryCounts>;
  readonly deadLetterNames: string[];
}

export function emptyTotals(): RunTotals {
  return {
    messages: 0,
    received: 0,
    forwarded: 0,
    deadLettered: 0,
    pending: 0,
    excluded: 0,
    categories: new Map(),
    deadLetterNames: [],
  };
}

export function addSummary(totals: RunTotals, summary: ForwardSummary): void {
  totals.messages += summary.messages;
  totals.received += summary.received;
  totals.forwarded += summary.forwarded;
  totals.deadLettered += summary.deadLettered;
  totals.pending += summary.pending;
  totals.excluded += summary.excluded;
  for (const name of summary.deadLetterNames) totals.deadLetterNames.push(name);
  for (const [category, counts] of summary.categories) {
    const into = totals.categories.get(category) ?? emptyCounts();
    for (const key of Object.keys(counts) as (keyof CategoryCounts)[]) into[key] += counts[key];
    totals.categories.set(category, into);
  }
}

export function formatTable(totals: RunTotals, seconds: number): string {
  const rows = [...totals.categories.entries()].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(8, ...rows.map(([category]) => category.length));
  const line = (cells: (string | number)[]) =>
    cells.map((cell, i) => (i === 0 ? String(cell).padEnd(width) : String(cell).padStart(i === 4 ? 12 : 9))).join('  ');
  const out = [
    line(['category', 'in', 'out', 'batches', 'bytes', 'dead', 'excluded']),
    line(['-'.repeat(width), '--', '---', '-------', '-----', '----', '--------']),
  ];
  for (const [category, counts] of rows) {
    out.push(
      line([
        category,
        counts.received,
        counts.forwarded,
        counts.batches,
        counts.bytes.toLocaleString('en'),
        counts.deadLettered,
        counts.excluded,
      ]),
    );
  }
  const sum = (key: keyof CategoryCounts) => rows.reduce((total, [, counts]) => total + counts[key], 0);
  out.push(
    line([
      'total',
      totals.received,
      totals.forwarded,
      sum('batches'),
      sum('bytes').toLocaleString('en'),
      totals.deadLettered,
      totals.excluded,
    ]),
  );
  const rate = seconds > 0 ? Math.round(totals.forwarded / seconds) : totals.forwarded;
  out.push(
    '',
    `${totals.messages} message(s), ${totals.received} record(s) in ${seconds.toFixed(2)} s (${rate} records/s)`,
  );
  return out.join('\n');
}

export function jsonSummary(totals: RunTotals, seconds: number): string {
  return JSON.stringify({
    messages: totals.messages,
    received: totals.received,
    forwarded: totals.forwarded,
    failed: totals.deadLettered + totals.pending,
    deadLettered: totals.deadLettered,
    excluded: totals.excluded,
    seconds: Number(seconds.toFixed(3)),
    categories: Object.fromEntries(totals.categories),
    deadLetters: totals.deadLetterNames,
  });
}
