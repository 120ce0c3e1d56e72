/**
 * `npm run bench:replay`: `defender-forwarder replay` of one large .ndjson file (an Event Hub body a line) as a
 * user runs it, a whole process from start to exit posting to the benchmark's loopback SIEM, against the floor
 * of the same file (replayFloor.ts), the two alternating round by round, plus the replay of an empty file (what
 * starting the command costs). Prints each round, the medians with their spread and the ratio (the floor's time
 * over the replay's: above 1, the replay is faster), wall clock and CPU, and writes
 * bench/results/replay-<timestamp>.json. Options: --rounds N, --messages N (bodies of up to 1 MiB),
 * --cpu-prof (a profile of each replay into bench/results/profiles), --node-arguments "..." (what every process
 * is started with; none by default, as a user runs the command).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DefenderTraffic } from './generate.js';
import { startReceiver } from './receiverProcess.js';
import { median, spread } from './stats.js';

const MIB = 1024 * 1024;
const MESSAGES_PER_INVOCATION = 100;

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    messages: { type: 'string', default: '150' },
    'cpu-prof': { type: 'boolean', default: false },
    'node-arguments': { type: 'string', default: '' },
  },
});
const rounds = Number(options.rounds);
const nodeArguments = options['node-arguments'].split(' ').filter((argument) => argument !== '');
const runStamp = new Date().toISOString().replace(/[:.]/g, '-');
const RESULTS = new URL('../../bench/results/', import.meta.url).pathname;
const CLI = new URL('../cli/main.js', import.meta.url).pathname;
const FLOOR = new URL('./replayFloor.js', import.meta.url).pathname;

interface Run {
  readonly wallMs: number;
  /** User + system CPU of the process and its threads; undefined where /proc does not tell (not Linux). */
  readonly cpuMs: number | undefined;
  readonly stdout: string;
}

interface Round {
  readonly floor: Run;
  readonly replay: Run;
  readonly startup: Run;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'bench-replay-'));
  const receiver = await startReceiver();
  try {
    const file = join(work, 'history.ndjson');
    const empty = join(work, 'empty.ndjson');
    await writeHistory(file, Number(options.messages));
    writeFileSync(empty, '');
    const bytes = (await stat(file)).size;
    log(
      `${options.messages} Event Hub bodies of up to 1 MiB, one a line: ${(bytes / MIB).toFixed(1)} MiB. Load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}.`,
    );
    log(
      `Each process started with ${nodeArguments.length > 0 ? nodeArguments.join(' ') : 'no Node arguments'}; ${rounds} rounds, the order alternating.`,
    );
    const env = {
      PATH: process.env.PATH,
      SIEM_URL: receiver.url,
      SIEM_FORMAT: 'ndjson',
      SIEM_SECRET: 'bench-token',
      DEAD_LETTER_DIR: join(work, 'dead-letter'),
    };
    const replayOf = (path: string, label: string) =>
      measure(
        [
          ...profileArguments(label),
          CLI,
          'replay',
          '--json',
          '--settings',
          join(work, 'no-settings.json'),
          '--checkpoint',
          join(work, 'checkpoint'),
          path,
        ],
        env,
      );
    const results: Round[] = [];
    for (let round = 1; round <= rounds; round++) {
      const floorRun = () => measure([FLOOR, file, String(MESSAGES_PER_INVOCATION)], env);
      const replayRun = () => replayOf(file, `round-${round}`);
      let floor: Run;
      let replay: Run;
      if (round % 2 === 1) {
        floor = await floorRun();
        replay = await replayRun();
      } else {
        replay = await replayRun();
        floor = await floorRun();
      }
      const startup = await replayOf(empty, `empty-${round}`);
      checkEveryRecordForwarded(floor, replay);
      results.push({ floor, replay, startup });
      log(
        `  round ${round}: floor ${seconds(floor.wallMs)} s, replay ${seconds(replay.wallMs)} s (${ratio(floor.wallMs, replay.wallMs)}× floor),` +
          ` empty file ${seconds(startup.wallMs)} s`,
      );
    }
    const records = Number(results[0]!.floor.stdout.trim());
    log('');
    log(summary(results, records, bytes));
    const resultsFile = writeResults({
      messages: Number(options.messages),
      bytes,
      records,
      rounds: results.map(withoutOutput),
    });
    log(`\nResults: ${resultsFile}`);
  } finally {
    receiver.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** The file a backfill reads: generated Defender traffic, one body a line, written as it is made. */
async function writeHistory(path: string, messages: number): Promise<void> {
  const traffic = new DefenderTraffic({ seed: 11 });
  const handle = await open(path, 'w');
  try {
    for (let i = 0; i < messages; i++) await handle.write(`${traffic.message(MIB)}\n`);
  } finally {
    await handle.close();
  }
}

function profileArguments(label: string): string[] {
  if (!options['cpu-prof']) return [];
  const directory = join(RESULTS, 'profiles');
  mkdirSync(directory, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', directory, '--cpu-prof-name', `${runStamp}-replay-${label}.cpuprofile`];
}

/** Runs one process to its end; its wall time from spawn to exit, and its CPU time as the kernel counted it. */
async function measure(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArguments, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`);
  const cpuAfter = childrenCpuMs();
  return {
    wallMs,
    cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    stdout,
  };
}

// USER_HZ, which Linux has kept at 100 on every architecture since 2.6.
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU of this process's children that have ended (cutime + cstime of /proc/self/stat), in ms; Linux only. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5); the slice starts at field 3.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The replay must have forwarded every record the floor read, or its time means nothing. */
function checkEveryRecordForwarded(floor: Run, replay: Run): void {
  const records = Number(floor.stdout.trim());
  const totals = JSON.parse(replay.stdout.trim().split('\n').at(-1) ?? '{}') as {
    received?: number;
    forwarded?: number;
  };
  if (totals.received !== records || totals.forwarded !== records) {
    throw new Error(
      `the replay forwarded ${totals.forwarded} of ${totals.received} records, the floor read ${records}`,
    );
  }
}

function summary(results: readonly Round[], records: number, bytes: number): string {
  const wall = (pick: (round: Round) => Run) => results.map((round) => pick(round).wallMs);
  const cpu = (pick: (round: Round) => Run) => results.map((round) => pick(round).cpuMs ?? Number.NaN);
  const line = (name: string, values: readonly number[], extra = '') =>
    `${name.padEnd(22)}${seconds(median(values)).padStart(7)} s (${spread(values).map(seconds).join('–')})${extra}`;
  const ratios = (floor: readonly number[], replay: readonly number[]) => floor.map((ms, i) => ms / replay[i]!);
  const wallRatios = ratios(
    wall((round) => round.floor),
    wall((round) => round.replay),
  );
  const cpuRatios = ratios(
    cpu((round) => round.floor),
    cpu((round) => round.replay),
  );
  const rate = (ms: number) =>
    `, ${Math.round(records / (ms / 1000)).toLocaleString('en-US')} records/s, ${(bytes / MIB / (ms / 1000)).toFixed(0)} MiB/s`;
  return [
    `${records.toLocaleString('en-US')} records, medians over ${results.length} rounds (spread):`,
    line(
      'floor, wall',
      wall((round) => round.floor),
      rate(median(wall((round) => round.floor))),
    ),
    line(
      'replay, wall',
      wall((round) => round.replay),
      rate(median(wall((round) => round.replay))),
    ),
    line(
      'replay of nothing',
      wall((round) => round.startup),
    ),
    line(
      'floor, CPU',
      cpu((round) => round.floor),
    ),
    line(
      'replay, CPU',
      cpu((round) => round.replay),
    ),
    line(
      'replay of nothing, CPU',
      cpu((round) => round.startup),
    ),
    `replay × floor: wall ${median(wallRatios).toFixed(2)} (rounds ${spread(wallRatios)
      .map((n) => n.toFixed(2))
      .join('–')}),` +
      ` CPU ${median(cpuRatios).toFixed(2)} (rounds ${spread(cpuRatios)
        .map((n) => n.toFixed(2))
        .join('–')})`,
  ].join('\n');
}

function withoutOutput(round: Round): Record<string, { wallMs: number; cpuMs: number | undefined }> {
  const figures = (run: Run) => ({ wallMs: run.wallMs, cpuMs: run.cpuMs });
  return { floor: figures(round.floor), replay: figures(round.replay), startup: figures(round.startup) };
}

function writeResults(results: object): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `replay-${runStamp}.json`);
  const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg() };
  writeFileSync(file, JSON.stringify({ command: process.argv.slice(2), machine, nodeArguments, ...results }, null, 1));
  return file;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function ratio(floorMs: number, replayMs: number): string {
  return (floorMs / replayMs).toFixed(2);
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

await main();
