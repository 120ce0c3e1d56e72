/**
 * A validating cursor over JSON text that finds value boundaries without building objects. Records are forwarded
 * as the exact text Defender sent, so we only ever need to know where a value starts and ends, plus a handful of
 * string fields. Strings are skipped with indexOf, which is what makes this faster than JSON.parse.
 */

export class JsonSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
    this.position = position;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
// Control characters are legal only as whitespace between tokens; a text without any needs no per-character check.
const CONTROL_CHARACTER = /[\u0000-\u001f]/;

export class JsonScanner {
  readonly text: string;
  pos: number;
  #nextBackslash = -1;
  readonly #checkControlCharacters: boolean;

  constructor(text: string, pos = 0) {
    this.text = text;
    this.pos = pos;
    this.#checkControlCharacters = CONTROL_CHARACTER.test(text);
  }

  fail(message: string, position = this.pos): never {
    throw new JsonSyntaxError(message, position);
  }

  skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const code = text.charCodeAt(pos);
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }

  /** The next non-whitespace character code, without consuming it (NaN at the end). */
  peek(): number {
    this.skipWhitespace();
    return this.text.charCodeAt(this.pos);
  }

  expect(code: number, what: string): void {
    if (this.peek() !== code) this.fail(`expected ${what}`);
    this.pos++;
  }

  /** Consumes a string; returns the index just past its closing quote. */
  skipString(): number {
    const text = this.text;
    const start = this.pos;
    if (text.charCodeAt(start) !== QUOTE) this.fail('expected a string');
    let pos = start + 1;
    for (;;) {
      const quote = text.indexOf('"', pos);
      if (quote < 0) this.fail('unterminated string', start);
      if (this.#nextBackslash < pos) this.#nextBackslash = indexOrEnd(text.indexOf('\\', pos), text);
      if (this.#nextBackslash > quote) {
        if (this.#checkControlCharacters) this.#checkNoControl(pos, quote);
        this.pos = quote + 1;
        return this.pos;
      }
      const escape = this.#nextBackslash;
      if (this.#checkControlCharacters) this.#checkNoControl(pos, escape);
      ESCAPE.lastIndex = escape;
      if (!ESCAPE.test(text)) this.fail('invalid escape in string', escape);
      pos = ESCAPE.lastIndex;
    }
  }

  /** Consumes a string and returns its decoded value. */
  readString(): string {
    const start = this.pos;
    const end = this.skipString();
    const body = this.text.slice(start + 1, end - 1);
    return body.includes('\\') ? (JSON.parse(this.text.slice(start, end)) as string) : body;
  }

  /** Consumes any value; returns the index just past it. */
  skipValue(): number {
    const code = this.peek();
    switch (code) {
      case QUOTE:
        return this.skipString();
      case OPEN_BRACE:
        this.forEachMember(() => this.skipValue());
        return this.pos;
      case OPEN_BRACKET:
        this.forEachElement(() => this.skipValue());
        return this.pos;
      case 0x74: // t
        return this.#literal('true');
      case 0x66: // f
        return this.#literal('false');
      case 0x6e: // n
        return this.#literal('null');
      default:
        NUMBER.lastIndex = this.pos;
        if (!NUMBER.test(this.text) || NUMBER.lastIndex === this.pos) this.fail('unexpected character');
        this.pos = NUMBER.lastIndex;
        return this.pos;
    }
  }

  /**
   * Walks an object's members. `onMember` is called with the cursor at the member's value and the position of
   * its key's opening quote (see keyIs); it must consume the value.
   */
  forEachMember(onMember: (keyStart: number) => void): void {
    this.expect(OPEN_BRACE, '{');
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      if (this.peek() !== QUOTE) this.fail('expected a member name');
      const keyStart = this.pos;
      this.skipString();
      this.expect(COLON, ':');
      this.skipWhitespace();
      onMember(keyStart);
      const next = this.peek();
      this.pos++;
      if (next === CLOSE_BRACE) return;
      if (next !== COMMA) this.fail('expected , or }', this.pos - 1);
    }
  }

  /** True when the key whose opening quote is at keyStart is exactly `name` (written without escapes). */
  keyIs(keyStart: number, name: string): boolean {
    return this.text.charCodeAt(keyStart + name.length + 1) === QUOTE && this.text.startsWith(name, keyStart + 1);
  }

  /** Walks an array's elements; `onElement` is called at each element's start and must consume it. */
  forEachElement(onElement: (start: number) => void): void {
    this.expect(OPEN_BRACKET, '[');
    if (this.peek() === CLOSE_BRACKET) {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      onElement(this.pos);
      const next = this.peek();
      this.pos++;
      if (next === CLOSE_BRACKET) return;
      if (next !== COMMA) this.fail('expected , or ]', this.pos - 1);
    }
  }

  expectEnd(): void {
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected text after the value');
  }

  #literal(word: string): number {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected character');
    this.pos += word.length;
    return this.pos;
  }

  #checkNoControl(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      if (this.text.charCodeAt(i) < 0x20) this.fail('control character in string', i);
    }
  }
}

function indexOrEnd(index: number, text: string): number {
  return index < 0 ? text.length : index;
}
