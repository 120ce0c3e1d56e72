/** Reading back what a dead-letter store holds, through the store's own claim, as redrive would. */
import type { DeadLetterStore } from '../../shared/deadletter/store.js';
import { recordKeys } from './records.js';

export interface StoredLetter {
  readonly name: string;
  readonly content: string;
  readonly letter: Record<string, unknown> & { reason: string; attempts: number; records: unknown[] };
}

export async function storedLetters(store: DeadLetterStore): Promise<StoredLetter[]> {
  const letters: StoredLetter[] = [];
  for await (const name of store.list()) {
    await store.claim(name, async (held) => {
      letters.push({ name, content: held.content, letter: JSON.parse(held.content) as StoredLetter['letter'] });
    });
  }
  return letters;
}

/** RecordKeys of every record in the store (inside rawBody too), duplicates included. */
export async function deadLetteredKeys(store: DeadLetterStore): Promise<string[]> {
  return (await storedLetters(store)).flatMap((stored) => recordKeys(stored.content));
}
