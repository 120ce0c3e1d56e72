/**
 * Destination templates: `{category}` and `{table}` in SIEM_URL, index, sourcetype and stream settings are filled
 * in per record. Every name a template may use is listed here, so start-up rejects a misspelt one.
 */

export const TEMPLATE_VARIABLES = ['category', 'table'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Readonly<Record<TemplateVariable, string>>;

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The names a template uses that are not template variables (empty when it is valid). */
export function unknownPlaceholders(template: string): string[] {
  const known: readonly string[] = TEMPLATE_VARIABLES;
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => !known.includes(name));
}

export function hasPlaceholders(template: string): boolean {
  return template.match(PLACEHOLDER) !== null;
}

export function expandTemplate(template: string, values: TemplateValues, encode: (value: string) => string = (value) => value): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in values ? encode(values[name as TemplateVariable]) : whole));
}
