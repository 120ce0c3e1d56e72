#!/usr/bin/env node
/**
 * The `defender-forwarder` entry: checks the Node version before anything else is loaded. The command's
 * dependencies (undici first) fail on older Node with a stack trace that does not say why; this says it in one line.
 */
const REQUIRED_MAJOR = 22;
const running = process.versions.node;

if (Number(running.split('.')[0]) < REQUIRED_MAJOR) {
  process.stderr.write(
    `defender-forwarder needs Node.js ${REQUIRED_MAJOR} or later; this is Node.js ${running}. ` +
      'In this folder `npm run cli -- <command>` runs it with the Node the project installs.\n',
  );
  process.exitCode = 2;
} else {
  await import('./main.js');
}
