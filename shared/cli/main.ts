#!/usr/bin/env node
/** The `defender-forwarder` command. */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config.js';
import { sampleSettings } from '../config/sample.js';
import { SiemReceiver } from '../receiver/receiver.js';
import { demo } from './demo.js';
import { commandLineEnvironment } from './environment.js';
import { replay } from './replay.js';

const USAGE = `Usage:
  defender-forwarder replay [--json] [--settings FILE] PATH...
      Send Event Hub message bodies from files (.json: one body; .jsonl/.ndjson: one body a line; a folder: all of
      them) through the forwarding pipeline. Settings come from the environment, then FILE's Values
      (default local.settings.json). Exit 0 when every record was forwarded, 1 when any failed, 2 on bad settings.
  defender-forwarder receive [--port N] [--out DIR] [--token T] [--header NAME]
      Run a local SIEM endpoint that accepts what the forwarder sends and writes it to DIR, one file per category.
  defender-forwarder demo [--out DIR]
      Receiver + sample Defender stream + replay, on this machine, with no Azure account.
  defender-forwarder settings
      Print local.settings.sample.json: every setting, its example value and what it does.
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'replay': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { json: { type: 'boolean', default: false }, settings: { type: 'string', default: 'local.settings.json' } },
      });
      if (positionals.length === 0) return usage('replay needs at least one PATH');
      const stop = stopOnSignal();
      const totals = await replay({
        paths: positionals,
        json: values.json,
        env: commandLineEnvironment(process.env, values.settings),
        stdout: process.stdout,
        signal: stop,
      });
      return totals.forwarded + totals.excluded === totals.received ? 0 : 1;
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

function usage(problem: string): number {
  process.stderr.write(`${problem}\n\n${USAGE}`);
  return 2;
}

/** Ctrl-C lets the batches in flight finish; a second one exits at once. */
function stopOnSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('Stopping after the batches in flight (Ctrl-C again to quit now)\n');
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
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`defender-forwarder: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
