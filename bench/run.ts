/**
 * `npm run bench`: the real Event Hub handler against a loopback SIEM in its own process, for each format, with
 * and without gzip, side by side with the floor (JSON.parse + JSON.stringify of the same bytes) and ndjson's
 * ceiling (the pipeline's reading and encoding alone, see ceiling.ts), repeated and interleaved so a noisy
 * machine hits every configuration alike. Prints a table and writes
 * bench/results/<timestamp>.json. Options: --reps N, --invocations N, --warmup N, --quick, --only NAME (a
 * configuration, e.g. "ndjson + gzip", repeatable; the memory run goes with the ndjson ones picked), --cpu-prof
 * (a profile of each process's measured invocations into bench/results/profiles), --siem-latency MS (the
 * receiver answers that long after each body, as a SIEM across a network would: read the invocation times, the
 * floor sends nothing), --node-arguments "..." (what every measured process is started with; by default those
 * the app's worker gets in Azure, NODE_WORKER_ARGUMENTS), --cores N (each measured process kept on N cores, as on
 * an instance with N; see cores.ts).
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { SiemFormat } from '../shared/config/config.js';
import { NODE_WORKER_ARGUMENTS } from '../shared/config/settings.js';
import { GZIP_LEVEL } from '../shared/deliver/compress.js';
import { DefenderTraffic } from './generate.js';
import { coreCount } from './cores.js';
import type { Measurement, MeasureSpec } from './measure.js';
import type { ReceiverStats } from './receiver.js';
import { startReceiver, type Receiver } from './receiverProcess.js';
import { median, percentile, spread } from './stats.js';
import { checkTargets, type TargetCheck } from './targets.js';

/**
 * Every format the forwarder speaks that a loopback receiver can take: a new one joins the benchmark by joining
 * this list. sentinel is left out (it needs an Entra token for Azure Monitor); its body is the json array.
 */
const FORMATS: readonly SiemFormat[] = ['ndjson', 'json', 'splunk-hec', 'elastic-bulk'];
const MB = 1024 * 1024;

interface Configuration {
  readonly name: string;
  readonly kind: MeasureSpec['kind'];
  readonly format: SiemFormat;
  readonly gzip: boolean;
}

interface Sample extends Measurement {
  /** Bytes the receiver got (compressed when gzip is on); the floor's and the ceiling's own output for them. */
  readonly wireBytes: number;
}

const { values: options } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    invocations: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    'cpu-prof': { type: 'boolean', default: false },
    'siem-latency': { type: 'string', default: '0' },
    'node-arguments': { type: 'string', default: NODE_WORKER_ARGUMENTS },
    cores: { type: 'string' },
  },
});
const reps = options.quick ? 1 : Number(options.reps);
const invocations = options.quick ? 2 : Number(options.invocations);
const warmup = options.quick ? 1 : Number(options.warmup);
const siemLatencyMs = Number(options['siem-latency']);
const nodeArguments = options['node-arguments'].split(' ').filter((argument) => argument !== '');
const cores = options.cores === undefined ? undefined : optionOrExit(() => coreCount(Number(options.cores)));
const messagesPerInvocation = maxEventBatchSize();

const allConfigurations: Configuration[] = [
  { name: 'floor', kind: 'floor', format: 'ndjson', gzip: false },
  { name: 'ndjson ceiling', kind: 'ceiling', format: 'ndjson', gzip: false },
  ...FORMATS.map((format) => ({ name: format, kind: 'pipeline' as const, format, gzip: false })),
  { name: 'floor + gzip', kind: 'floor', format: 'ndjson', gzip: true },
  ...FORMATS.map((format) => ({ name: `${format} + gzip`, kind: 'pipeline' as const, format, gzip: true })),
];
const configurations = allConfigurations.filter(
  (configuration) => options.only === undefined || options.only.includes(configuration.name),
);
const PROFILE_DIR = new URL('../../bench/results/profiles/', import.meta.url).pathname;
// Names the results file and the profiles of one run alike.
const runStamp = new Date().toISOString().replace(/[:.]/g, '-');

async function main(): Promise<void> {
  const receiver = await startReceiver(siemLatencyMs);
  const samples = new Map<string, Sample[]>(configurations.map((configuration) => [configuration.name, []]));
  const memory: Record<string, Sample[]> = {};
  try {
    log(`Invocations of ${messagesPerInvocation} messages (host.json maxEventBatchSize), bodies of 256 KB to 1 MB;`);
    log(
      `${warmup} warm-up + ${invocations} measured invocations per process, ${reps} rounds. Load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}.`,
    );
    log(
      `Each measured process started with ${nodeArguments.length > 0 ? nodeArguments.join(' ') : 'no Node arguments'}.`,
    );
    if (cores !== undefined)
      log(`Each measured process on ${cores} of this machine's ${cpus().length} cores (taskset).`);
    if (siemLatencyMs > 0) log(`The receiver answers ${siemLatencyMs} ms after each body.`);
    for (let round = 1; round <= reps; round++) {
      for (const configuration of configurations) {
        const shape = { seed: 1000 + round, warmup, invocations, messageBytes: { min: 256 * 1024, max: MB } };
        const spec = specFor(configuration, receiver.url, shape, `round ${round}`);
        const sample = await measureWith(receiver, spec);
        samples.get(configuration.name)!.push(sample);
        log(
          `  round ${round}: ${configuration.name.padEnd(14)} ${rate(sample.records, sample.invocationMs).toFixed(0)} records/s`,
        );
      }
    }
    // The same input every time: what differs from run to run is when V8 collects, which moves the peak by
    // tens of MB, so the peak is measured as often as the throughput and shown with its range.
    for (let round = 1; round <= reps; round++) {
      for (const configuration of configurations.filter(
        (candidate) => candidate.kind === 'pipeline' && candidate.format === 'ndjson',
      )) {
        const shape = { seed: 7, warmup: 0, invocations: 1, messageBytes: { min: MB, max: MB } };
        const spec = specFor(configuration, receiver.url, shape, `memory ${round}`);
        (memory[configuration.name] ??= []).push(await measureWith(receiver, spec));
      }
    }
  } finally {
    receiver.stop();
  }

  const levels = gzipLevels();
  const report = summarize(samples);
  log('');
  log(formatThroughput(report));
  if (Object.keys(memory).length > 0) log(`\n${formatMemory(memory)}`);
  log('');
  log(formatLevels(levels));
  const peakRssMb = Object.fromEntries(
    Object.entries(memory).map(([name, runs]) => [name, runs.map((run) => run.peakRssBytes / MB)]),
  );
  // The goals compare with the floor, which sends nothing: they hold for an instant receiver only.
  const targets = siemLatencyMs > 0 ? [] : checkTargets(report, peakRssMb);
  if (targets.length > 0) log(`\n${formatTargets(targets)}`);
  const file = writeResults({ samples: Object.fromEntries(samples), memory, levels, report, targets });
  log(`\nResults: ${file}`);
}

function specFor(
  configuration: Configuration,
  siemUrl: string,
  shape: Pick<MeasureSpec, 'seed' | 'warmup' | 'invocations' | 'messageBytes'>,
  label: string,
): MeasureSpec {
  return {
    kind: configuration.kind,
    format: configuration.format,
    gzip: configuration.gzip,
    siemUrl,
    messagesPerInvocation,
    ...shape,
    ...(cores === undefined ? {} : { cores }),
    ...(options['cpu-prof'] ? { cpuProfile: profileFile(configuration, label) } : {}),
  };
}

/** bench/results/profiles/<run>-<configuration>-<label>.cpuprofile, e.g. …-ndjson-gzip-round-2.cpuprofile. */
function profileFile(configuration: Configuration, label: string): string {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const name = `${runStamp}-${configuration.name}-${label}`.replace(/[^A-Za-z0-9-]+/g, '-');
  return `${PROFILE_DIR}${name}.cpuprofile`;
}

interface Row {
  readonly name: string;
  readonly recordsPerSecond: readonly number[];
  readonly mbPerSecond: number;
  /** Our throughput over the floor's in the same round, one per round. */
  readonly vsFloor?: readonly number[];
  /** The floor's CPU time per record over ours, one per round: what the ratio is on a machine to ourselves. */
  readonly cpuVsFloor?: readonly number[];
  /**
   * Our fastest round over the floor's fastest. Noise on a shared machine only ever adds time, so the fastest of
   * several rounds is the steadiest estimate of each, where the per-round ratio swings with whatever ran beside it.
   */
  readonly bestVsFloor?: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly invocationsMeasured: number;
  readonly peakRssMb: number;
  readonly cpuSecondsPerMillion: number;
  readonly wireMb: number;
}

function summarize(samples: ReadonlyMap<string, readonly Sample[]>): Row[] {
  return configurations.map((configuration) => {
    const runs = samples.get(configuration.name)!;
    const floorRuns =
      configuration.kind === 'floor' ? undefined : samples.get(configuration.gzip ? 'floor + gzip' : 'floor');
    const floor = floorRuns && floorRuns.length === runs.length ? floorRuns : undefined;
    const times = runs.flatMap((run) => run.invocationMs);
    const records = runs.reduce((sum, run) => sum + run.records, 0);
    const seconds = times.reduce((sum, ms) => sum + ms, 0) / 1000;
    const recordsPerSecond = runs.map((run) => rate(run.records, run.invocationMs));
    return {
      name: configuration.name,
      recordsPerSecond,
      mbPerSecond: runs.reduce((sum, run) => sum + run.inputBytes, 0) / MB / seconds,
      ...(floor
        ? {
            vsFloor: runs.map(
              (run, i) => rate(run.records, run.invocationMs) / rate(floor[i]!.records, floor[i]!.invocationMs),
            ),
            cpuVsFloor: runs.map((run, i) => floor[i]!.cpuMs / floor[i]!.records / (run.cpuMs / run.records)),
            bestVsFloor:
              Math.max(...recordsPerSecond) / Math.max(...floor.map((run) => rate(run.records, run.invocationMs))),
          }
        : {}),
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      invocationsMeasured: times.length,
      peakRssMb: median(runs.map((run) => run.peakRssBytes)) / MB,
      cpuSecondsPerMillion: (runs.reduce((sum, run) => sum + run.cpuMs, 0) / 1000 / records) * 1e6,
      wireMb: (median(runs.map((run) => run.wireBytes / run.records)) * 1e6) / MB,
    };
  });
}

function formatThroughput(rows: readonly Row[]): string {
  const header = [
    '',
    'records/s (spread)',
    'MB/s',
    '× floor (spread)',
    'best × best',
    'CPU × floor',
    'p50 ms',
    'p99 ms',
    'peak RSS MB',
    'CPU s/M rec',
    'out MB/M rec',
  ];
  const lines = rows.map((row) => [
    row.name,
    `${fmt(median(row.recordsPerSecond))} (${spread(row.recordsPerSecond).map(fmt).join('–')})`,
    row.mbPerSecond.toFixed(0),
    row.vsFloor
      ? `${median(row.vsFloor).toFixed(2)} (${spread(row.vsFloor)
          .map((n) => n.toFixed(2))
          .join('–')})`
      : '',
    row.bestVsFloor === undefined ? '' : row.bestVsFloor.toFixed(2),
    row.cpuVsFloor ? median(row.cpuVsFloor).toFixed(2) : '',
    row.p50Ms.toFixed(0),
    row.p99Ms.toFixed(0),
    row.peakRssMb.toFixed(0),
    row.cpuSecondsPerMillion.toFixed(1),
    row.wireMb.toFixed(0),
  ]);
  const invocationsMeasured = rows[0]?.invocationsMeasured ?? 0;
  return `Throughput (medians over rounds; p50/p99 over ${invocationsMeasured} invocations; gzip level ${GZIP_LEVEL})\n${table([header, ...lines])}`;
}

function formatMemory(memory: Readonly<Record<string, readonly Sample[]>>): string {
  const lines = Object.entries(memory).map(([name, runs]) => {
    const peaks = runs.map((run) => run.peakRssBytes / MB);
    return [
      name,
      String(runs[0]!.records),
      (median(runs.map((run) => run.inputRssBytes)) / MB).toFixed(0),
      `${median(peaks).toFixed(0)} (${spread(peaks)
        .map((n) => n.toFixed(0))
        .join('–')})`,
      median(runs.map((run) => run.invocationMs[0]!)).toFixed(0),
    ];
  });
  const note = Object.values(memory)
    .flat()
    .every((sample) => sample.peakFromInput)
    ? ''
    : ' (peak includes generating the input)';
  const title = `Memory: one invocation of ${messagesPerInvocation} bodies of 1 MB, ${reps} run${reps === 1 ? '' : 's'} each (medians; peak with its range)${note}`;
  return `${title}\n${table([['', 'records', 'RSS with input MB', 'peak RSS MB', 'ms'], ...lines])}`;
}

function formatTargets(checks: readonly TargetCheck[]): string {
  const lines = checks.map((check) => `${(check.met ? 'met' : 'NOT MET').padEnd(8)} ${check.goal}: ${check.measured}`);
  return ['Targets', ...lines].join('\n');
}

interface LevelFigures {
  readonly level: number;
  readonly mbPerSecond: number;
  readonly ratio: number;
}

/** Every gzip level over ~1 MB ndjson bodies of one category each, as the pipeline sends them; CPU time, not wall. */
function gzipLevels(): LevelFigures[] {
  const traffic = new DefenderTraffic({ seed: 99 });
  const byCategory = new Map<string, string[]>();
  for (let i = 0; i < 12_000; i++) {
    const record = traffic.record();
    const category = /"category":"([^"]+)"/.exec(record)![1]!;
    byCategory.set(category, [...(byCategory.get(category) ?? []), record]);
  }
  const bodies = [...byCategory.values()].flatMap((records) => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < records.length; i += 400) chunks.push(Buffer.from(`${records.slice(i, i + 400).join('\n')}\n`));
    return chunks;
  });
  const total = bodies.reduce((sum, body) => sum + body.length, 0);
  return [1, 2, 3, 4, 5, 6, 9].map((level) => {
    let compressed = 0;
    let fastest = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      const started = process.cpuUsage();
      compressed = 0;
      for (const body of bodies) compressed += gzipSync(body, { level }).length;
      const spent = process.cpuUsage(started);
      fastest = Math.min(fastest, (spent.user + spent.system) / 1000);
    }
    return { level, mbPerSecond: total / MB / (fastest / 1000), ratio: total / compressed };
  });
}

function formatLevels(levels: readonly LevelFigures[]): string {
  const lines = levels.map((figures) => [
    String(figures.level),
    figures.mbPerSecond.toFixed(0),
    `${figures.ratio.toFixed(2)}×`,
  ]);
  return `gzip levels: MB in per CPU second, best of 3 (chosen: ${GZIP_LEVEL})\n${table([['level', 'MB/s', 'ratio'], ...lines])}`;
}

async function measureWith(receiver: Receiver, spec: MeasureSpec): Promise<Sample> {
  let before: ReceiverStats | undefined;
  const measurement = await new Promise<Measurement>((resolve, reject) => {
    const child = fork(new URL('./measure.js', import.meta.url), [JSON.stringify(spec)], {
      execArgv: ['--expose-gc', ...nodeArguments],
    });
    let result: Measurement | undefined;
    child.on('message', (message) => {
      if (message !== 'warm') return void (result = message as Measurement);
      receiver.stats().then((stats) => {
        before = stats;
        child.send('go');
      }, reject);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`measurement exited with ${code}: ${JSON.stringify(spec)}`)),
    );
  });
  const after = await receiver.stats();
  return { ...measurement, wireBytes: measurement.outputBytes ?? after.bytes - (before?.bytes ?? 0) };
}

function writeResults(results: object): string {
  const directory = new URL('../../bench/results/', import.meta.url);
  mkdirSync(directory, { recursive: true });
  const file = new URL(`${runStamp}.json`, directory);
  const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg() };
  const processes = { nodeArguments, cores: cores ?? cpus().length };
  writeFileSync(
    file,
    JSON.stringify(
      { command: process.argv.slice(2), machine, processes, reps, invocations, warmup, ...results },
      null,
      1,
    ),
  );
  return file.pathname;
}

/** A value read from the options, or the reason it cannot be, in one line, and exit. */
function optionOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    console.error(`npm run bench: ${(error as Error).message}`);
    process.exit(2);
  }
}

function maxEventBatchSize(): number {
  const host = JSON.parse(readFileSync(new URL('../../host.json', import.meta.url), 'utf8')) as {
    extensions?: { eventHubs?: { maxEventBatchSize?: number } };
  };
  return host.extensions?.eventHubs?.maxEventBatchSize ?? 100;
}

function rate(records: number, invocationMs: readonly number[]): number {
  return records / (invocationMs.reduce((sum, ms) => sum + ms, 0) / 1000);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    )
    .join('\n');
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

await main();
