/**
 * The goals the benchmark is held to, checked against a run's own figures so every run says where it stands.
 * A throughput goal is met when the median ratio over rounds reaches it (best × best is shown beside it, but one
 * lucky round does not meet a goal); the memory goal only when every memory run stays under it.
 */
import { median, spread } from './stats.js';

export interface ThroughputFigures {
  readonly name: string;
  /** Our throughput over the floor's, one per round. */
  readonly vsFloor?: readonly number[];
  readonly bestVsFloor?: number;
}

export interface TargetCheck {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

const THROUGHPUT_GOALS = [
  { name: 'ndjson', atLeast: 2 },
  { name: 'ndjson + gzip', atLeast: 1.5 },
] as const;

const MEMORY_LIMIT_MB = 400;

/** Goals the run has figures for: a run limited with --only checks only what it measured. */
export function checkTargets(
  throughput: readonly ThroughputFigures[],
  peakRssMb: Readonly<Record<string, readonly number[]>>,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const goal of THROUGHPUT_GOALS) {
    const row = throughput.find((candidate) => candidate.name === goal.name);
    if (!row?.vsFloor || row.vsFloor.length === 0) continue;
    const ratio = median(row.vsFloor);
    checks.push({
      goal: `${goal.name} at least ${goal.atLeast.toFixed(1)}× its floor`,
      measured: `median ${ratio.toFixed(2)}× (rounds ${spread(row.vsFloor)
        .map((n) => n.toFixed(2))
        .join('–')}), best × best ${row.bestVsFloor?.toFixed(2) ?? '–'}`,
      met: ratio >= goal.atLeast,
    });
  }
  const runs = Object.entries(peakRssMb).filter(([, peaks]) => peaks.length > 0);
  if (runs.length > 0) {
    const under = runs.reduce((sum, [, peaks]) => sum + peaks.filter((peak) => peak < MEMORY_LIMIT_MB).length, 0);
    const total = runs.reduce((sum, [, peaks]) => sum + peaks.length, 0);
    checks.push({
      goal: `peak RSS under ${MEMORY_LIMIT_MB} MB for 100 bodies of 1 MB`,
      measured: `${runs
        .map(
          ([name, peaks]) =>
            `${name} ${spread(peaks)
              .map((n) => n.toFixed(2))
              .join('–')} MB`,
        )
        .join(', ')}; under in ${under} of ${total} runs`,
      met: under === total,
    });
  }
  return checks;
}
