/**
 * Destination templates: `{category}`, `{table}` and `{tenantId}` in SIEM_URL, index, sourcetype and stream settings
 * are filled in per record. Every name a template may use is listed here, so start-up rejects a misspelt one.
 */

export const TEMPLATE_VARIABLES = ['category', 'table', 'tenantId'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
/** A record without a tenantId has no value for `{tenantId}`. */
export type TemplateValues = Readonly<Record<Exclude<TemplateVariable, 'tenantId'>, string>> & { readonly tenantId?: string };

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
export function expandTemplate(template: string, values: TemplateValues, encode: (value: string) => string = (value) => value): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name as TemplateVariable] : undefined;
    return value === undefined ? whole : encode(value);
  });
}
