/**
 * Destination templates: `{category}`, `{table}` and `{tenantId}` in SIEM_URL, index, sourcetype and stream settings
 * are filled in per record. Every name a template may use is listed here, so start-up rejects a misspelt one.
 */

export const TEMPLATE_VARIABLES = ['category', 'table', 'tenantId'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
/** A record without a tenantId has no value for `{tenantId}`. */
export type TemplateValues = Readonly<Record<Exclude<TemplateVariable, 'tenantId'>, string>> & {
  readonly tenantId?: string;
};

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The names a template uses that are not template variables (empty when it is valid). */
export function unknownPlaceholders(template: string): string[] {
  const known: readonly string[] = TEMPLATE_VARIABLES;
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => !known.includes(name));
}

export function hasPlaceholders(template: string): boolean {
  return template.match(PLACEHOLDER) !== null;
}

export function usesVariable(template: string, name: TemplateVariable): boolean {
  return template.includes(`{${name}}`);
}

/** Fills in the placeholders that have a value; one without (`{tenantId}` of a record that has none) stays as written. */
export function expandTemplate(
  template: string,
  values: TemplateValues,
  encode: (value: string, name: TemplateVariable) => string = (value) => value,
): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name as TemplateVariable] : undefined;
    return value === undefined ? whole : encode(value, name as TemplateVariable);
  });
}

/** A record's values cannot make this template into a URL (or a part of one) that goes where it says. */
export class UnroutableError extends Error {}

/**
 * A URL template filled in, each value percent-encoded. Encoding keeps a value from adding a `/`, `?` or `#`, but
 * not from being `.` or `..`, which URL parsing takes as "this folder" or "the folder above" (also as `%2e`), so
 * such a path segment throws, like a value that cannot be encoded at all.
 */
export function expandUrl(template: string, values: TemplateValues): string {
  const url = expandTemplate(template, values, (value, name) => encodeSegment(value, `{${name}}`));
  // Encoded values hold no delimiter: the filled-in URL has the template's segments, one for one.
  const written = pathSegments(template);
  pathSegments(url).forEach((segment, i) => {
    const filledIn = written[i]!;
    if (isDotSegment(segment) && hasPlaceholders(filledIn)) {
      throw new UnroutableError(
        `the URL path segment ${filledIn} would be "${segment}", which changes the request's path`,
      );
    }
  });
  return url;
}

/** Checks a value that is a whole URL path segment once encoded (`what` names it for the error). */
export function checkPathSegment(value: string, what: string): void {
  if (isDotSegment(encodeSegment(value, what))) {
    throw new UnroutableError(`${what} would be the URL path segment "${value}", which changes the request's path`);
  }
}

function encodeSegment(value: string, what: string): string {
  try {
    return encodeURIComponent(value);
  } catch (error) {
    // A lone surrogate (valid in JSON as an escape) has no UTF-8 form to percent-encode.
    throw new UnroutableError(
      `${what} cannot be written in a URL (${(error as Error).message}: it holds a lone surrogate)`,
    );
  }
}

function pathSegments(url: string): string[] {
  const path = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/, '').replace(/[?#].*$/s, '');
  return path.split('/');
}

function isDotSegment(segment: string): boolean {
  return /^(?:\.|%2e){1,2}$/i.test(segment);
}
