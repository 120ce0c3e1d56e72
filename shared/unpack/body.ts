/** The trigger delivers bodies as strings (dataType: 'string'), but a Buffer or a parsed value must work too. */
export function bodyText(body: unknown): string {
  if (typeof body === 'string') return stripBom(body);
  if (Buffer.isBuffer(body)) return stripBom(body.toString('utf8'));
  if (body instanceof Uint8Array) return stripBom(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  // Already parsed by the host: the original text is gone; this is the closest we can get to it.
  return JSON.stringify(body) ?? 'null';
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
