/** Seeded randomness for the fuzz tests: the same seed gives the same run, so a failure can be run again. */

/** A pseudo-random sequence in [0, 1) from a linear congruential generator. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

export function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

/** One random edit of `text`: a character taken out, or one of `alphabet` put in or in its place. */
export function mutate(text: string, random: () => number, alphabet: readonly string[]): string {
  const at = Math.floor(random() * text.length);
  const roll = random();
  const char = pick(alphabet, random);
  if (roll < 0.33) return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + char + text.slice(roll < 0.66 ? at : at + 1);
}
