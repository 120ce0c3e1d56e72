/** The benchmark's SIEM (receiver.ts) started in a process of its own, as seen from the process that runs it. */
import { fork } from 'node:child_process';
import type { ReceiverMessage, ReceiverStats } from './receiver.js';

export interface Receiver {
  readonly url: string;
  stats(): Promise<ReceiverStats>;
  stop(): void;
}

/** `latencyMs`: how long the receiver waits after each body before it answers. */
export async function startReceiver(latencyMs = 0): Promise<Receiver> {
  const child = fork(new URL('./receiver.js', import.meta.url), [String(latencyMs)]);
  const next = () =>
    new Promise<ReceiverMessage>((resolve) => child.once('message', (message) => resolve(message as ReceiverMessage)));
  const started = await next();
  if (!('url' in started)) throw new Error('the receiver did not start');
  return {
    url: started.url,
    async stats() {
      const answer = next();
      child.send('stats');
      const message = await answer;
      if (!('stats' in message)) throw new Error('the receiver did not answer');
      return message.stats;
    },
    stop: () => child.send('stop'),
  };
}
