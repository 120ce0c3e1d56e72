#!/usr/bin/env node
/** The `defender-forwarder` command. */
import { parseArgs } from 'node:util';
import { defaultCheckpointPath } from './backfill/checkpoint.js';
import { ConfigError } from '../shared/config/config.js';
import { sampleSettings } from './settingsSample.js';
import { SiemReceiver } from './receiver/receiver.js';
import { checkCommand } from './check.js';
import { demo } from './demo.js';
import { commandLineEnvironment } from './environment.js';
import { redriveCommand } from './redrive.js';
import { replay } from './replay.js';

const USAGE = `Usage:
  defender-forwarder replay [--json] [--settings FILE] [--checkpoint FILE] [--since TIME] [--until TIME]
                            [--from-blob CONTAINER_URL [--prefix P]]... [PATH...]
      Send history through the forwarding pipeline: Event Hub message bodies (.json: one body; .jsonl/.ndjson:
      one body a line), storage-account exports (PT1H.json: one record a line) and Event Hubs Capture files
      (.avro), from files, folders, or Blob containers read with your Azure identity. --since/--until (ISO 8601)
      keep the files whose data falls in that time. Progress goes to stderr. Ctrl-C stops after the batches in
      flight; the same command resumes from the checkpoint (default: replay-<hash>.checkpoint here).
      Settings come from the environment, then FILE's Values (default local.settings.json, if there).
      Each distinct failure is said on stderr when it first happens, with its likely fix.
      Exit 0 when every record was forwarded, 1 when any was not or a file could not be read, 130 when stopped.
  defender-forwarder redrive [--json] [--settings FILE] [--blob]
      Send the dead letters again (DEAD_LETTER_DIR, or with --blob the Blob container the functions write to).
      A letter is deleted once every record in it is delivered. Exit 0 when none is left, 1 when some remain.
  defender-forwarder check [--json] [--settings FILE] [--send-test-record] [--timeout SECONDS]
      Prove each dependency the settings name, one line each: Key Vault secrets, each SIEM destination and its
      credential (probed without sending records), the dead-letter store, the device directory table, the
      Defender machines API, the Application Insights connection string. --send-test-record also sends one
      marked synthetic record and shows the SIEM's answer. Each probe waits at most --timeout (default 20).
      Exit 0 when all hold, 1 when any fails, 2 on invalid settings.
  defender-forwarder receive [--port N] [--out DIR] [--token T] [--header NAME]
      Run a local SIEM endpoint that accepts what the forwarder sends and writes it to DIR, one file per category.
  defender-forwarder demo [--out DIR]
      Receiver + sample Defender stream + replay, on this machine, with no Azure account.
  defender-forwarder settings
      Print local.settings.sample.json: every setting, its example value and what it does.
Every command exits 2 on an unknown option, bad settings, or Node.js older than 22.
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'replay': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          json: { type: 'boolean', default: false },
          settings: { type: 'string' },
          checkpoint: { type: 'string' },
          since: { type: 'string' },
          until: { type: 'string' },
          'from-blob': { type: 'string', multiple: true, default: [] },
          prefix: { type: 'string' },
        },
      });
      const blobs = values['from-blob'].map((url) => ({ url, ...(values.prefix ? { prefix: values.prefix } : {}) }));
      if (positionals.length === 0 && blobs.length === 0) return usage('replay needs a PATH or --from-blob');
      const since = values.since === undefined ? undefined : parseTime(values.since);
      const until = values.until === undefined ? undefined : parseTime(values.until);
      if (since === null || until === null)
        return usage('--since and --until take an ISO 8601 time, e.g. 2026-07-01 or 2026-07-01T12:00Z');
      const inputs = { paths: positionals, blobs, ...(since ? { since } : {}), ...(until ? { until } : {}) };
      const result = await replay({
        ...inputs,
        json: values.json,
        env: commandLineEnvironment(process.env, values.settings),
        stdout: process.stdout,
        progress: process.stderr,
        failures: process.stderr,
        checkpoint: values.checkpoint ?? defaultCheckpointPath(inputs),
        signal: stopOnSignal(),
      });
      if (result.unreadable) return 1;
      if (!result.completed) return 130;
      return result.forwarded + result.excluded === result.received ? 0 : 1;
    }
    case 'redrive': {
      const { values } = parseArgs({
        args: rest,
        options: {
          json: { type: 'boolean', default: false },
          blob: { type: 'boolean', default: false },
          settings: { type: 'string' },
        },
      });
      const summary = await redriveCommand({
        env: commandLineEnvironment(process.env, values.settings),
        blob: values.blob,
        json: values.json,
        stdout: process.stdout,
        failures: process.stderr,
        signal: stopOnSignal(),
      });
      return summary.letters === summary.emptied ? 0 : 1;
    }
    case 'check': {
      const { values } = parseArgs({
        args: rest,
        options: {
          json: { type: 'boolean', default: false },
          settings: { type: 'string' },
          'send-test-record': { type: 'boolean', default: false },
          timeout: { type: 'string', default: '20' },
        },
      });
      const seconds = Number(values.timeout);
      if (!(seconds > 0)) return usage('--timeout takes a number of seconds, e.g. 20');
      return checkCommand({
        env: commandLineEnvironment(process.env, values.settings),
        json: values.json,
        sendTestRecord: values['send-test-record'],
        timeoutMs: seconds * 1000,
        stdout: process.stdout,
      });
    }
    case 'receive': {
      const { values } = parseArgs({
        args: rest,
        options: {
          port: { type: 'string', default: '8080' },
          out: { type: 'string', default: './received' },
          token: { type: 'string' },
          header: { type: 'string' },
        },
      });
      const receiver = new SiemReceiver({
        host: '127.0.0.1',
        port: Number(values.port),
        outDir: values.out,
        ...(values.token ? { token: values.token } : {}),
        ...(values.header ? { authHeader: values.header } : {}),
      });
      const url = await receiver.start();
      process.stdout.write(`Listening on ${url}, writing to ${values.out}; Ctrl-C stops\n`);
      await new Promise((resolve) => process.once('SIGINT', resolve));
      await receiver.stop();
      process.stdout.write(`Received ${receiver.received} record(s)\n`);
      return 0;
    }
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string', default: './demo-output' } } });
      return demo(values.out, process.stdout);
    }
    case 'settings':
      process.stdout.write(sampleSettings());
      return 0;
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
    default:
      return usage(`unknown command "${command}"`);
  }
}

/** A Date, or null when the text is not a time. */
function parseTime(text: string): Date | null {
  const time = new Date(text);
  return /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(time.getTime()) ? time : null;
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\n\n${USAGE}`);
  return 2;
}

/** An option parseArgs does not know, or one without its value. */
function isUsageError(error: unknown): error is Error {
  return error instanceof TypeError && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_');
}

/** Ctrl-C lets the batches in flight finish; a second one exits at once. */
function stopOnSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nStopping after the batches in flight (Ctrl-C again to quit now)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isUsageError(error)) {
      process.exitCode = usage(error.message);
      return;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`defender-forwarder: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
