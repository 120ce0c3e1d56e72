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
const NUMBER = String.raw`-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`;
/** After a member: a comma and the next member's name, or (not consumed) the closing brace. */
const AFTER_MEMBER = `${WS}(?:,${WS}(?=")|(?=\\}))`;
/**
 * Containers nested inside a column value that the patterns spell out. Defender's dynamic columns nest up to
 * three or four deep; each level doubles the pattern's size, and at five V8 runs it at two thirds of the speed
 * (measured: 111 ms against 179 ms for 70 MB), so anything deeper goes to the cursor.
 */
const NESTING = 4;

/**
 * Which characters a string may hold unescaped. `any` is JSON's rule: all but the quote, the backslash and
 * control characters. `ascii` takes only the ASCII ones among them, so text it matches is its own UTF-8: as many
 * bytes as characters, known without measuring it.
 */
export type Alphabet = 'ascii' | 'any';

const UNESCAPED: Record<Alphabet, string> = {
  any: String.raw`[^"\\\u0000-\u001f]`,
  ascii: String.raw`[\u0020\u0021\u0023-\u005b\u005d-\u007f]`,
};

export interface JsonPatterns {
  /** One JSON value (sticky): lastIndex ends up just past it. */
  readonly value: RegExp;
  /**
   * A sticky pattern that, from just after an object's `{` or a member's `,`, skips (and validates) members until
   * one named in `names`, the object's closing brace, or anything it cannot vouch for, and stops before it. It
   * always matches, if only nothing: the caller reads what it stopped at. Names must be written without escapes
   * and are taken into the pattern as given, so they must hold no regular-expression syntax.
   *
   * Only `test` is meant for it: `exec` builds a result array and substrings, some 400 bytes a call, which at ten
   * calls a record made a third of all the garbage an invocation left for the collector.
   */
  membersExcept(names: readonly string[]): RegExp;
}

export function jsonPatterns(alphabet: Alphabet): JsonPatterns {
  const unescaped = UNESCAPED[alphabet];
  const string = String.raw`"${unescaped}*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})${unescaped}*)*"`;
  const scalar = `(?:${string}|${NUMBER}|true|false|null)`;
  /** Any JSON value with at most `depth` levels of containers. */
  const value = (depth: number): string => {
    if (depth === 0) return scalar;
    const inner = value(depth - 1);
    const object = `\\{${WS}(?:${string}${WS}:${WS}${inner}${AFTER_MEMBER})*\\}`;
    const array = `\\[${WS}(?:${inner}${WS}(?:,${WS}(?=[^\\]])|(?=\\])))*\\]`;
    return `(?:${scalar}|${object}|${array})`;
  };
  const valuePattern = value(NESTING);
  const member = `${string}${WS}:${WS}${valuePattern}${AFTER_MEMBER}`;
  return {
    value: new RegExp(valuePattern, 'y'),
    membersExcept: (names) => new RegExp(`${WS}(?:(?!"(?:${names.join('|')})"${WS}:)${member})*`, 'y'),
  };
}
