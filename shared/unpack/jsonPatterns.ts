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
/**
 * A member name without escapes. The names the pipeline reads are compared as written, so a name with an escape
 * ("cat\u0065gory" is "category") stops the patterns and leaves the record to the cursor, which decodes it.
 */
const PLAIN_NAME = String.raw`"[^"\\\u0000-\u001f]*"`;
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

/** One JSON value (sticky): lastIndex ends up just past it. */
export const JSON_VALUE = new RegExp(VALUE, 'y');

/**
 * A sticky pattern that, from just after an object's `{` or a member's `,`, skips (and validates) members until
 * one named in `names`, the object's closing brace, or anything it cannot vouch for, and stops before it. It
 * always matches, if only nothing: the caller reads what it stopped at. Names must be written without escapes and
 * are taken into the pattern as given, so they must hold no regular-expression syntax.
 *
 * Only `test` is meant for it: `exec` builds a result array and substrings, some 400 bytes a call, which at ten
 * calls a record made a third of all the garbage an invocation left for the collector.
 */
export function membersExcept(names: readonly string[]): RegExp {
  const member = `${PLAIN_NAME}${WS}:${WS}${VALUE}${AFTER_MEMBER}`;
  return new RegExp(`${WS}(?:(?!"(?:${names.join('|')})"${WS}:)${member})*`, 'y');
}
