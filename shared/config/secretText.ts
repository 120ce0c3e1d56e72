/**
 * What a secret's text may hold to travel in an HTTP header, and the one cleaning every secret gets when read.
 */

/**
 * A saved file's trailing line breaks (`az keyvault secret set --file` keeps them) and a leading byte-order mark
 * (a Windows editor's) are not part of a credential: they go. Anything else is kept as it is, spaces included.
 */
export function trimSecret(value: string): string {
  let end = value.length;
  while (end > 0 && (value.charCodeAt(end - 1) === 0x0a || value.charCodeAt(end - 1) === 0x0d)) end--;
  return value.slice(value.charCodeAt(0) === 0xfeff ? 1 : 0, end);
}

/**
 * Why `value` cannot be sent as an HTTP header's value (undici refuses it, as Node's own client does), or
 * undefined when it can: tab, visible ASCII, space and Latin-1 only. Says what kind of character is in the way,
 * never which, nor where: the value is a secret.
 */
export function headerValueProblem(value: string): string | undefined {
  const found = NOT_IN_HEADER.exec(value);
  if (!found) return undefined;
  const code = found[0].charCodeAt(0);
  if (code === 0x0a || code === 0x0d) return 'it holds a line break (CR or LF) before its end';
  if (code > 0xff)
    return 'it holds a character beyond Latin-1 (above U+00FF, such as a typographic quote, a dash or a byte-order mark)';
  return 'it holds a control character';
}

const NOT_IN_HEADER = /[^\t\x20-\x7e\x80-\xff]/;

/** The SIEM_AUTH modes that put the secret in a header as it is (see authHeaders); basic sends it base64-encoded. */
const SENT_AS_IS: ReadonlySet<string> = new Set(['bearer', 'splunk', 'apikey', 'header']);

/** Why SIEM_AUTH=`mode` cannot send the secret `value`, said of the secret; undefined when it can. */
export function secretHeaderProblem(mode: string, value: string): string | undefined {
  if (!SENT_AS_IS.has(mode)) return undefined;
  const problem = headerValueProblem(value);
  return problem && `cannot be sent in an HTTP header (SIEM_AUTH=${mode} sends it as it is): ${problem}`;
}
