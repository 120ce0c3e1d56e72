/**
 * JSON's grammar as regular expressions. V8 compiles a regular expression to machine code, so matching a record
 * member by member this way validates its strings and skips its values several times faster than a cursor
 * stepping through character codes in JavaScript. A pattern can only say yes to valid JSON; when it says no (bad
 * input, a line break between tokens, nesting deeper than it spells out) the caller asks the cursor, which
 * gives the exact answer and where it went wrong.
 */

/**
 * Spaces and tabs only. A record without a line break is one line as it is; one with line breaks between its
 * tokens is compacted by the slower path (see unpack).
 */
const WS = '[ \\t]*';
const STRING = String.raw`"[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"`;
/** A string without escapes, its content captured. */
const PLAIN_STRING = String.raw`"([^"\\\u0000-\u001f]*)"`;
const NUMBER = String.raw`-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`;
const SCALAR = `(?:${STRING}|${NUMBER}|true|false|null)`;
/** After a member: a comma and the next member's name, or (not consumed) the closing brace. */
const AFTER_MEMBER = `${WS}(?:,${WS}(?=")|(?=\\}))`;
/**
 * Containers nested inside a column value that the patterns spell out. Defender's dynamic columns nest up to
 * three or four deep; each level doubles the pattern's size, and at five V8 runs it at two thirds of the speed
 * (measured: 111 ms against 179 ms for 70 MB), so anything deeper goes to the cursor.
 */
const NESTING = 4;

/** Any JSON value with at most `depth` levels of containers. */
function value(depth: number): string {
  if (depth === 0) return SCALAR;
  const inner = value(depth - 1);
  const object = `\\{${WS}(?:${STRING}${WS}:${WS}${inner}${AFTER_MEMBER})*\\}`;
  const array = `\\[${WS}(?:${inner}${WS}(?:,${WS}(?=[^\\]])|(?=\\])))*\\]`;
  return `(?:${SCALAR}|${object}|${array})`;
}

const VALUE = value(NESTING);

/** The groups of a memberWalker match. */
export const WALKER_GROUP = {
  /** The name of the wanted member found; undefined when the object ended. */
  name: 1,
  /** Its value's content when the value is a string without escapes. */
  plainString: 2,
  /** Otherwise its value's text. */
  otherValue: 3,
  /** Set (to '') when the member found is the one to descend into; its value is not consumed. */
  descend: 4,
} as const;

/**
 * A sticky pattern that, from just after `{` or a `,` inside an object, skips (and validates) members until one
 * named in `wanted` (matching up to the end of its value) or `descend` (matching up to its value, which must be an
 * object), or the object's closing brace (matching up to just past it). Names must be written without escapes;
 * they are taken as given into the pattern, so they must hold no regular-expression syntax.
 */
export function memberWalker(wanted: readonly string[], descend?: string): RegExp {
  const names = descend === undefined ? wanted : [...wanted, descend];
  const member = `${STRING}${WS}:${WS}${VALUE}${AFTER_MEMBER}`;
  const skip = `(?:(?!"(?:${names.join('|')})"${WS}:)${member})*`;
  const found = `"(${wanted.join('|')})"${WS}:${WS}(?:${PLAIN_STRING}|(${VALUE}))`;
  const into = descend === undefined ? '' : `|"${descend}"${WS}:${WS}(?=\\{)()`;
  return new RegExp(`${WS}${skip}(?:${found}${into}|\\})`, 'y');
}
