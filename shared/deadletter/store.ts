import type { DeadLetter } from './entry.js';

/** Where undeliverable records go. A write that resolves is durable; one that throws must hold the checkpoint. */
export interface DeadLetterStore {
  /** Writes the letter and returns its name. Writing the same letter twice keeps one copy. */
  write(letter: DeadLetter): Promise<string>;
  /** Names of stored letters, oldest first. */
  list(): AsyncIterable<string>;
  /**
   * Runs `work` while this caller alone holds the letter (so redrive can run on several instances at once).
   * Resolves false, without running it, when someone else holds it or it is gone.
   */
  claim(name: string, work: (letter: HeldLetter) => Promise<void>): Promise<boolean>;
}

export interface HeldLetter {
  readonly name: string;
  readonly content: string;
  replace(content: string): Promise<void>;
  delete(): Promise<void>;
}
