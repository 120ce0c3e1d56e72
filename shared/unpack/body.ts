/**
 * A message body as text. The trigger hands bodies over as bytes (dataType 'binary'); a string, or a value the
 * host already parsed, works too. Bytes that are not UTF-8 have no text that keeps them as received (decoding
 * would put U+FFFD in their place), so they come back as they are, for a reject of their own.
 */
import { isAscii, isUtf8, transcode } from 'node:buffer';

export type Body =
  /** `ascii`: every character is ASCII, so a slice of the text has as many UTF-8 bytes as characters. */
  | { readonly text: string; readonly ascii: boolean }
  | { readonly notUtf8: Buffer };

export function readBody(body: unknown): Body {
  if (typeof body === 'string') return { text: stripBom(body), ascii: false };
  if (body instanceof Uint8Array) {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const ascii = isAscii(bytes);
    if (!ascii && !isUtf8(bytes)) return { notUtf8: bytes };
    return { text: stripBom(decodeUtf8(bytes)), ascii };
  }
  // Already parsed by the host: the original text is gone; this is the closest we can get to it.
  return { text: JSON.stringify(body) ?? 'null', ascii: false };
}

/**
 * Valid UTF-8 as text, in as few bytes a character as it fits (V8 keeps text of U+0000 to U+00FF one byte a
 * character, other text two). ICU's converter (transcode) is used, not V8's decoder (toString): on text that is
 * not all ASCII, V8 decodes everything after the first non-ASCII byte one character at a time, five times slower.
 */
export function decodeUtf8(bytes: Buffer): string {
  if (isAscii(bytes)) return bytes.toString('latin1');
  // Converting to Latin-1 puts one '?' (one byte) in place of each character beyond U+00FF, which took two to four
  // bytes in UTF-8: the text fits only when it encodes back to as many bytes as it came from.
  const latin1 = transcode(bytes, 'utf8', 'latin1').toString('latin1');
  if (Buffer.byteLength(latin1) === bytes.length) return latin1;
  return transcode(bytes, 'utf8', 'ucs2').toString('ucs2');
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
