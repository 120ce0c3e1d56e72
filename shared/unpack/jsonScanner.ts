/**
 * A validating cursor over JSON text that finds value boundaries without building objects. Records are forwarded
 * as the exact text Defender sent, so we only ever need to know where a value starts and ends, plus a handful of
 * string fields. This is the hot path of the whole forwarder (every byte of every message passes through it
 * once), so it is written for V8: character codes instead of substrings, no regular expression or closure per
 * token, and strings skipped with indexOf until they turn out to hold an escape.
 */

export class JsonSyntaxError extends Error {
  /** What is wrong, without where: "unexpected character". */
  readonly problem: string;
  readonly position: number;

  constructor(problem: string, position: number) {
    super(`${problem} at position ${position}`);
    this.name = 'JsonSyntaxError';
    this.problem = problem;
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
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
// Control characters are legal only as whitespace between tokens; a text without any needs no per-character check.
const CONTROL_CHARACTER = /[\u0000-\u001f]/;
const SHORT_STRING = 64;

export class JsonScanner {
  readonly text: string;
  pos: number;
  /** Characters between the quotes of the last name nextKey read, as written: a cheap first test before keyIs. */
  keyLength = -1;
  /** Whether the last name nextKey read is written with an escape ("cat\u0065gory"): then its length says nothing. */
  keyEscaped = false;
  /** The first backslash at or after #searchedFrom (text.length when there is none), so most strings need no search. */
  #nextBackslash = -1;
  #searchedFrom = 0;
  #hasControlCharacters: boolean | undefined;

  constructor(text: string, pos = 0) {
    this.text = text;
    this.pos = pos;
  }

  /** Whether the text holds a control character anywhere (only legal as whitespace between tokens). */
  #textHasControlCharacters(): boolean {
    return (this.#hasControlCharacters ??= CONTROL_CHARACTER.test(this.text));
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
    const code = this.text.charCodeAt(this.pos);
    if (code > 0x20) return code;
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
    const quote = text.indexOf('"', start + 1);
    if (quote < 0) this.fail('unterminated string', start);
    let backslash = this.#nextBackslash;
    if (backslash <= start || this.#searchedFrom > start) {
      backslash = text.indexOf('\\', start + 1);
      this.#nextBackslash = backslash = backslash < 0 ? text.length : backslash;
      this.#searchedFrom = start;
    }
    if (backslash > quote) {
      this.#checkNoControl(start + 1, quote);
      return (this.pos = quote + 1);
    }
    this.#checkNoControl(start + 1, backslash);
    return (this.pos = this.#skipEscapedRest(backslash, start));
  }

  /** Consumes a string and returns its decoded value. */
  readString(): string {
    const start = this.pos;
    const end = this.skipString();
    const body = this.text.slice(start + 1, end - 1);
    return this.#nextBackslash < end ? (JSON.parse(this.text.slice(start, end)) as string) : body;
  }

  /**
   * Consumes any value; returns the index just past it. Containers are walked with a list of the ones still open
   * rather than by recursion: JSON.parse takes nesting thousands deep, and a few kilobytes of brackets must not
   * exhaust the call stack and fail the invocation on every retry.
   */
  skipValue(): number {
    const code = this.peek();
    if (code !== OPEN_BRACE && code !== OPEN_BRACKET) return this.#skipScalar(code);
    const open: number[] = [];
    for (let next = code; ; next = this.peek()) {
      if (next === OPEN_BRACE && this.enterObject()) {
        open.push(CLOSE_BRACE);
        this.nextKey();
        continue;
      }
      if (next === OPEN_BRACKET && this.enterArray()) {
        open.push(CLOSE_BRACKET);
        continue;
      }
      // An empty container was consumed whole by entering it.
      if (next !== OPEN_BRACE && next !== OPEN_BRACKET) this.#skipScalar(next);
      // After a value: close the containers that end here, then go on to the next member or element.
      for (;;) {
        const innermost = open.at(-1);
        if (innermost === undefined) return this.pos;
        if (innermost === CLOSE_BRACE ? this.nextMember() : this.nextElement()) break;
        open.pop();
      }
      if (open.at(-1) === CLOSE_BRACE) this.nextKey();
    }
  }

  /** Consumes the string, number or literal that starts with `code` at the cursor; returns the index past it. */
  #skipScalar(code: number): number {
    const pos = this.pos;
    switch (code) {
      case QUOTE:
        return this.skipString();
      case 0x74: // t
        return this.#literal('true', pos);
      case 0x66: // f
        return this.#literal('false', pos);
      case 0x6e: // n
        return this.#literal('null', pos);
      default:
        return (this.pos = this.#skipNumber(pos));
    }
  }

  /**
   * Consumes `{` and, for an empty object, its `}`. True when there is a member to read: call nextKey, consume
   * the value, then nextMember, which says whether another follows.
   */
  enterObject(): boolean {
    return this.#enter(OPEN_BRACE, CLOSE_BRACE, '{');
  }

  /** Consumes a member's name and colon; returns where the name's opening quote is (see keyIs). */
  nextKey(): number {
    if (this.peek() !== QUOTE) this.fail('expected a member name');
    const keyStart = this.pos;
    const keyEnd = this.skipString();
    this.keyLength = keyEnd - keyStart - 2;
    this.keyEscaped = this.#nextBackslash < keyEnd;
    if (this.text.charCodeAt(this.pos) === COLON) this.pos++;
    else this.expect(COLON, ':');
    this.peek();
    return keyStart;
  }

  /** After a member's value: consumes `,` (true, another member follows) or `}` (false). */
  nextMember(): boolean {
    const next = this.peek();
    this.pos++;
    if (next === COMMA) return true;
    if (next !== CLOSE_BRACE) this.fail('expected , or }', this.pos - 1);
    return false;
  }

  /** Consumes `[` and, for an empty array, its `]`. True when there is an element to read. */
  enterArray(): boolean {
    return this.#enter(OPEN_BRACKET, CLOSE_BRACKET, '[');
  }

  /** After an element: consumes `,` (true, and the cursor is at the next element) or `]` (false). */
  nextElement(): boolean {
    const next = this.peek();
    this.pos++;
    if (next === COMMA) {
      this.peek();
      return true;
    }
    if (next !== CLOSE_BRACKET) this.fail('expected , or ]', this.pos - 1);
    return false;
  }

  /**
   * Walks an object's members. `onMember` is called with the cursor at the member's value and the position of
   * its key's opening quote (see keyIs); it must consume the value.
   */
  forEachMember(onMember: (keyStart: number) => void): void {
    if (!this.enterObject()) return;
    do onMember(this.nextKey());
    while (this.nextMember());
  }

  /** True when the name nextKey just read, whose opening quote is at keyStart, is `name` (given without escapes). */
  keyIs(keyStart: number, name: string): boolean {
    if (this.keyEscaped) return this.keyName(keyStart) === name;
    return this.text.charCodeAt(keyStart + name.length + 1) === QUOTE && this.text.startsWith(name, keyStart + 1);
  }

  /** The decoded name nextKey just read, whose opening quote is at keyStart. */
  keyName(keyStart: number): string {
    return JSON.parse(this.text.slice(keyStart, keyStart + this.keyLength + 2)) as string;
  }

  /** Walks an array's elements; `onElement` is called at each element's start and must consume it. */
  forEachElement(onElement: (start: number) => void): void {
    if (!this.enterArray()) return;
    do {
      this.skipWhitespace();
      onElement(this.pos);
    } while (this.nextElement());
  }

  expectEnd(): void {
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected text after the value');
  }

  #enter(open: number, close: number, what: string): boolean {
    this.expect(open, what);
    if (this.peek() !== close) return true;
    this.pos++;
    return false;
  }

  #literal(word: string, pos: number): number {
    for (let i = 1; i < word.length; i++) {
      if (this.text.charCodeAt(pos + i) !== word.charCodeAt(i)) this.fail('unexpected character');
    }
    return (this.pos = pos + word.length);
  }

  /**
   * The rest of a string from its first backslash, a character at a time: strings with one escape tend to have
   * many (Windows paths, JSON inside a string), and a loop beats an indexOf per escape. Returns the index just
   * past the closing quote.
   */
  #skipEscapedRest(backslash: number, start: number): number {
    const text = this.text;
    const end = text.length;
    let pos = backslash;
    while (pos < end) {
      const code = text.charCodeAt(pos);
      if (code === QUOTE) return pos + 1;
      if (code === BACKSLASH) pos = this.#skipEscape(pos);
      else if (code < 0x20) this.fail('control character in string', pos);
      else pos++;
    }
    this.fail('unterminated string', start);
  }

  /** Validates the escape at `at` (a backslash); returns the index after it. */
  #skipEscape(at: number): number {
    const text = this.text;
    const code = text.charCodeAt(at + 1);
    // " \ / b f n r t
    if (
      code === QUOTE ||
      code === BACKSLASH ||
      code === 0x2f ||
      code === 0x62 ||
      code === 0x66 ||
      code === 0x6e ||
      code === 0x72 ||
      code === 0x74
    ) {
      return at + 2;
    }
    if (
      code === 0x75 &&
      isHex(text.charCodeAt(at + 2)) &&
      isHex(text.charCodeAt(at + 3)) &&
      isHex(text.charCodeAt(at + 4)) &&
      isHex(text.charCodeAt(at + 5))
    ) {
      return at + 6;
    }
    this.fail('invalid escape in string', at);
  }

  /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? starting at `start`; returns the index after it. */
  #skipNumber(start: number): number {
    const text = this.text;
    let pos = start;
    let code = text.charCodeAt(pos);
    if (code === MINUS) code = text.charCodeAt(++pos);
    if (code === ZERO) pos++;
    else if (code > ZERO && code <= NINE) pos = skipDigits(text, pos + 1);
    else this.fail('unexpected character', start);
    code = text.charCodeAt(pos);
    if (code === DOT) {
      if (!isDigit(text.charCodeAt(pos + 1))) this.fail('expected a digit', pos + 1);
      pos = skipDigits(text, pos + 2);
      code = text.charCodeAt(pos);
    }
    if (code === 0x65 || code === 0x45) {
      code = text.charCodeAt(++pos);
      if (code === PLUS || code === MINUS) code = text.charCodeAt(++pos);
      if (!isDigit(code)) this.fail('expected a digit', pos);
      pos = skipDigits(text, pos + 1);
    }
    return pos;
  }

  /**
   * A short string (a key, most values) is checked character by character; a long one only when the text holds a
   * control character at all, which one search of the whole text tells, made the first time a long string needs it.
   */
  #checkNoControl(from: number, to: number): void {
    if (to - from > SHORT_STRING && !this.#textHasControlCharacters()) return;
    const text = this.text;
    for (let i = from; i < to; i++) {
      if (text.charCodeAt(i) < 0x20) this.fail('control character in string', i);
    }
  }
}

function skipDigits(text: string, from: number): number {
  let pos = from;
  while (isDigit(text.charCodeAt(pos))) pos++;
  return pos;
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

function isHex(code: number): boolean {
  return (code >= ZERO && code <= NINE) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** Skips the scanner's next value, for where a value is read only when it has the wanted type. */
export function skipped(scanner: JsonScanner): undefined {
  scanner.skipValue();
  return undefined;
}
