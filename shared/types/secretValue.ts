import { inspect } from 'node:util';

/**
 * A credential held in memory. It never prints: string conversion, JSON and util.inspect all show a
 * placeholder, so a config object or error that carries one can be logged without leaking it.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return '[secret]';
  }
}
