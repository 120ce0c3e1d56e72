/**
 * Where a body's records sit in the bytes it was decoded from, so each record keeps its UTF-8 as it arrived (a
 * view, not a copy), sized without Buffer.byteLength when it is ASCII (most records, even in bodies that are not).
 * It walks forward only: records are read in order, and the text between two of them (separators, a rejected
 * element, other members) is measured as it is passed.
 */
import { isAscii } from 'node:buffer';

export class Utf8Cursor {
  readonly #text: string;
  readonly #bytes: Buffer;
  readonly #ascii: boolean;
  #char = 0;
  #byte = 0;

  /** `bytes` is `text` in UTF-8; `ascii`, that every byte of it is ASCII. */
  constructor(text: string, bytes: Buffer, ascii: boolean) {
    this.#text = text;
    this.#bytes = bytes;
    this.#ascii = ascii;
  }

  /** The UTF-8 of text[start, end), which must not begin before the end of the range taken last. */
  take(start: number, end: number): Buffer {
    this.#byte += this.#gapBytes(this.#char, start);
    this.#char = end;
    let taken = this.#bytes.subarray(this.#byte, this.#byte + (end - start));
    // As many bytes as characters, all ASCII, can only be the text in ASCII; otherwise it has a wider character.
    if (!this.#ascii && !isAscii(taken)) {
      taken = this.#bytes.subarray(this.#byte, this.#byte + Buffer.byteLength(this.#text.slice(start, end)));
    }
    this.#byte += taken.length;
    return taken;
  }

  /** UTF-8 bytes of text[start, end), whose first byte is at the cursor: most often a comma. */
  #gapBytes(start: number, end: number): number {
    const length = end - start;
    if (this.#ascii) return length;
    for (let i = this.#byte; i < this.#byte + length; i++) {
      if (this.#bytes[i]! >= 0x80) return Buffer.byteLength(this.#text.slice(start, end));
    }
    return length;
  }
}
