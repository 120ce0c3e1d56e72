/**
 * A value as an error message may show it, in quotes, with whatever could be a credential masked: a URL's user
 * and password, and the value of every `name=value` pair (a query's tokens and SAS signatures, a connection
 * string's AccountKey). A start-up error goes to the host's logs, which must never hold a secret; what is left
 * still shows what kind of value was given and where it went wrong.
 */
export function quoted(value: string): string {
  const masked = value.replace(USER_INFO, '$1***@').replace(PAIR_VALUE, '$1=***');
  return `"${masked}"`;
}

/**
 * Everything from after the scheme to the last `@`. A password may hold `/`, `?`, `#` or `@` (a URL parser then
 * cuts the value elsewhere, or refuses it, which is how it gets into an error): masking up to the last `@` hides
 * it however it is written, at the cost of hiding a path that holds an `@` too.
 */
const USER_INFO = /^([a-z][a-z0-9+.-]*:[/\\]*|)[\s\S]*@/i;
const PAIR_VALUE = /((?:^|[?&;])[^=?&;#]*)=[^&;#]*/g;
