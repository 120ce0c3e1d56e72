/**
 * The lines of a byte stream, as bytes. A line ends at LF; a CR just before it is dropped, and so is a byte-order
 * mark at the start of the stream. The last line counts even without a line break. Nothing is decoded and no
 * pattern runs over the text: finding a line's end is one memchr, and a line is copied only when it spans reads.
 */
export interface Line {
  readonly bytes: Buffer;
  /** Counting from 1, blank lines included. */
  readonly number: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** Every line that holds something other than JSON whitespace (space, tab, CR), with its number. */
export async function* readLines(input: AsyncIterable<Buffer>): AsyncGenerator<Line> {
  // The start of a line that began in an earlier read.
  let begun: Buffer[] = [];
  let number = 0;
  for await (const chunk of input) {
    let start = 0;
    for (let end = chunk.indexOf(LF); end >= 0; end = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, end);
      const line = trimmed(begun.length === 0 ? piece : Buffer.concat([...begun, piece]), ++number);
      begun = [];
      start = end + 1;
      if (!isBlank(line)) yield { bytes: line, number };
    }
    if (start < chunk.length) begun.push(chunk.subarray(start));
  }
  if (begun.length === 0) return;
  const line = trimmed(Buffer.concat(begun), ++number);
  if (!isBlank(line)) yield { bytes: line, number };
}

/** The line without the CR before its LF, and the first without a byte-order mark. */
function trimmed(line: Buffer, number: number): Buffer {
  const start = number === 1 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf ? 3 : 0;
  const end = line.length > start && line[line.length - 1] === CR ? line.length - 1 : line.length;
  return start === 0 && end === line.length ? line : line.subarray(start, end);
}

function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 0x20 && byte !== 0x09 && byte !== CR) return false;
  return true;
}
