/**
 * One measurement, in a process of its own so its peak RSS and CPU time are its own: generates the input, then
 * runs the real Event Hub handler (against the receiver process), the floor or the ceiling over it, invocation
 * by invocation, and sends the figures to the parent over IPC. `run.ts` forks it with the spec as argv[2].
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import functions, { type LogLevel } from '@azure/functions';
import { createPipeline } from '../shared/app/createPipeline.js';
import { createEventHubHandler } from '../shared/app/eventHubHandler.js';
import { loadConfig, type Config, type SiemFormat } from '../shared/config/config.js';
import { seeded } from '../cli/sample/sampleStream.js';
import { GZIP_LEVEL } from '../shared/deliver/compress.js';
import { createSink } from '../shared/sinks/registry.js';
import { unpackBatchAndEncode } from './ceiling.js';
import { parseAndStringify } from './floor.js';
import { DefenderTraffic } from './generate.js';
import { pinToCores } from './cores.js';
import { profiled } from './profile.js';

export interface MeasureSpec {
  readonly kind: 'pipeline' | 'floor' | 'ceiling';
  /** The pipeline's and the ceiling's; the floor always writes ndjson. */
  readonly format: SiemFormat;
  /** SIEM_GZIP for the pipeline; the floor compresses at the same level, on the main thread; the ceiling does not. */
  readonly gzip: boolean;
  readonly siemUrl: string;
  readonly seed: number;
  readonly warmup: number;
  readonly invocations: number;
  readonly messagesPerInvocation: number;
  /** Each body is packed up to a size drawn uniformly from this range, in bytes. */
  readonly messageBytes: { readonly min: number; readonly max: number };
  /** Cores the process is kept on, as an instance with that many would be; all of this machine's when absent. */
  readonly cores?: number;
  /** Where to write a CPU profile of the measured invocations (see profile.ts); none when absent. */
  readonly cpuProfile?: string;
}

export interface Measurement {
  readonly records: number;
  /** UTF-8 bytes of the message bodies handled in the measured invocations. */
  readonly inputBytes: number;
  readonly invocationMs: readonly number[];
  /** User + system CPU of the whole process (thread pool included) over the measured invocations. */
  readonly cpuMs: number;
  /** Resident set after the input was generated, and the peak from then to the end. */
  readonly inputRssBytes: number;
  readonly peakRssBytes: number;
  /** Whether the peak could be reset after generation (Linux); otherwise it covers generation too. */
  readonly peakFromInput: boolean;
  /** Bytes the floor or the ceiling produced; the pipeline's are counted by the receiver. */
  readonly outputBytes?: number;
}

interface InvocationSummary {
  received: number;
  forwarded: number;
}

async function measure(spec: MeasureSpec): Promise<Measurement> {
  if (spec.cores !== undefined) pinToCores(spec.cores);
  const pool = generateBodies(spec);
  const poolBytes = pool.map((body) => body.length);
  const pick = (invocation: number) =>
    Array.from({ length: spec.messagesPerInvocation }, (_, i) => (invocation * 17 + i) % pool.length);
  const bodiesFor = (invocation: number) => pick(invocation).map((i) => pool[i]!);

  const run =
    spec.kind === 'floor'
      ? floorRunner(spec)
      : spec.kind === 'ceiling'
        ? ceilingRunner(spec)
        : await pipelineRunner(spec);
  try {
    for (let i = 0; i < spec.warmup; i++) await run.invoke(bodiesFor(i), i);
    await parentReady();
    globalThis.gc?.();
    const inputRssBytes = process.memoryUsage.rss();
    const peakFromInput = resetPeakRss();
    let records = 0;
    let outputBytes = 0;
    let inputBytes = 0;
    const invocationMs: number[] = [];
    // Read inside the profiled work: stopping the profiler and writing its file are not the invocations' CPU.
    const cpu = await profiled(spec.cpuProfile, async () => {
      const cpuBefore = process.cpuUsage();
      for (let i = spec.warmup; i < spec.warmup + spec.invocations; i++) {
        const bodies = bodiesFor(i);
        const started = performance.now();
        const handled = await run.invoke(bodies, i);
        invocationMs.push(performance.now() - started);
        records += handled.records;
        outputBytes += handled.outputBytes ?? 0;
        for (const index of pick(i)) inputBytes += poolBytes[index]!;
      }
      return process.cpuUsage(cpuBefore);
    });
    return {
      records,
      inputBytes,
      invocationMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      inputRssBytes,
      peakRssBytes: peakRss(),
      peakFromInput,
      ...(spec.kind === 'pipeline' ? {} : { outputBytes }),
    };
  } finally {
    await run.close();
  }
}

/**
 * One invocation's worth of bodies plus a few, rotated, so invocations differ without holding them all. Each is a
 * Buffer, as @azure/functions hands the trigger's messages over with dataType 'binary' (one Buffer.from per
 * message of collectionBytes). The generator (its devices and column values, some 14 MB) is left behind here:
 * the process measured holds the input, as the host does, and not what made it.
 */
function generateBodies(spec: MeasureSpec): Buffer[] {
  const traffic = new DefenderTraffic({ seed: spec.seed });
  const random = seeded(spec.seed);
  const poolSize = spec.messagesPerInvocation + (spec.warmup + spec.invocations > 1 ? 17 : 0);
  const { min, max } = spec.messageBytes;
  return Array.from({ length: poolSize }, () =>
    Buffer.from(traffic.message(min + Math.floor(random() * (max - min + 1)))),
  );
}

interface Runner {
  invoke(bodies: readonly Buffer[], invocation: number): Promise<{ records: number; outputBytes?: number }>;
  close(): Promise<void>;
}

function floorRunner(spec: MeasureSpec): Runner {
  return {
    invoke: async (bodies) => parseAndStringify(bodies, spec.gzip ? { gzipLevel: GZIP_LEVEL } : {}),
    close: async () => {},
  };
}

/** The ceiling, with the format and batch limits the pipeline gets from the same settings; it writes no dead letters. */
function ceilingRunner(spec: MeasureSpec): Runner {
  const { siem } = benchConfig(spec, tmpdir());
  const format = createSink(siem).format;
  const limits = { maxBytes: siem.maxBatchBytes, maxRecords: siem.maxBatchRecords };
  return {
    invoke: async (bodies) => unpackBatchAndEncode(bodies, format, limits),
    close: async () => {},
  };
}

function benchConfig(spec: MeasureSpec, deadLetterDir: string): Config {
  const settings = {
    SIEM_URL: spec.siemUrl,
    SIEM_FORMAT: spec.format,
    SIEM_GZIP: String(spec.gzip),
    SIEM_SECRET: 'bench-token',
    DEAD_LETTER_DIR: deadLetterDir,
  };
  return loadConfig(settings, { functionsApp: false });
}

async function pipelineRunner(spec: MeasureSpec): Promise<Runner> {
  await loadAzureSdks();
  const deadLetterDir = await mkdtemp(join(tmpdir(), 'bench-dead-letter-'));
  const config = benchConfig(spec, deadLetterDir);
  const parts = createPipeline(config, { deadLetters: 'folder' });
  const pipeline = parts.pipeline;
  const handler = createEventHubHandler(pipeline, { invocationBudgetMs: 120_000, outageHoldMs: 0 });
  return {
    async invoke(bodies, invocation) {
      const summaries: InvocationSummary[] = [];
      await handler(bodies, triggerContext(bodies.length, invocation, summaries));
      const summary = summaries[0];
      if (!summary || summary.forwarded !== summary.received) {
        throw new Error(`invocation ${invocation} did not forward every record: ${JSON.stringify(summary)}`);
      }
      return { records: summary.forwarded };
    },
    async close() {
      await parts.close();
      await rm(deadLetterDir, { recursive: true, force: true });
    },
  };
}

/**
 * In Azure the app loads the Azure SDKs as it first reads the device directory and its Key Vault secret with its
 * identity, or writes a dead letter, and they stay in its resident set (about 40 MB). The benchmark's pipeline
 * needs none of them, so they are loaded here, for the memory figures to count them as Azure does.
 */
async function loadAzureSdks(): Promise<void> {
  await Promise.all([
    import('@azure/identity'),
    import('@azure/data-tables'),
    import('@azure/storage-blob'),
    import('@azure/keyvault-secrets'),
  ]);
}

/** The context the Functions host builds for a batch of Event Hub messages; log lines are read back here. */
function triggerContext(
  messages: number,
  invocation: number,
  summaries: InvocationSummary[],
): functions.InvocationContext {
  const first = invocation * messages;
  return new functions.InvocationContext({
    invocationId: `bench-${invocation}`,
    functionName: 'forward-bench',
    triggerMetadata: {
      partitionContext: { eventHubName: 'insights-logs-advancedhunting', partitionId: '0' },
      sequenceNumberArray: Array.from({ length: messages }, (_, i) => first + i),
      offsetArray: Array.from({ length: messages }, (_, i) => String((first + i) * 1_048_576)),
      enqueuedTimeUtcArray: Array.from({ length: messages }, () => new Date().toISOString()),
    },
    logHandler: (_level: LogLevel, ...args: unknown[]) => {
      const line = String(args[0]);
      if (line.startsWith('invocation '))
        summaries.push(JSON.parse(line.slice('invocation '.length)) as InvocationSummary);
    },
  });
}

/** Tells the parent the warm-up is over (so it can read the receiver's counts) and waits for its go. */
async function parentReady(): Promise<void> {
  if (!process.send) return;
  const go = new Promise((resolve) => process.once('message', resolve));
  process.send('warm');
  await go;
}

/** Linux lets a process reset its peak RSS (VmHWM), so generating the input does not count toward it. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRss(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall back to the peak over the whole process.
  }
  return process.resourceUsage().maxRSS * 1024;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as MeasureSpec;
measure(spec).then(
  (measurement) => process.send?.(measurement, () => process.disconnect()),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
