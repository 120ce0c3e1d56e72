/**
 * docs/configuration.md's settings reference, rendered from the settings table: the rows of shared/config's
 * `settings` and `hostSettings`, with the required marks local.settings.sample.json gives them (the sample is
 * generated from the same table, and a test holds it to it). `npm run docs` writes the result into the document;
 * test/docs/configuration.test.ts fails when the two differ.
 */
import { readFileSync } from 'node:fs';
import type { SettingSpec } from '../../shared/config/settingTypes.js';
import { hostSettings, settings } from '../../shared/config/settings.js';

export const ROOT = new URL('../../../', import.meta.url);
export const BEGIN =
  '<!-- settings reference: generated from the settings table by `npm run docs`; edit the table, not this -->';
export const END = '<!-- end of the generated settings reference -->';

interface Row {
  readonly name: string;
  readonly spec: { readonly description: string; readonly localOnly?: boolean; readonly secret?: boolean };
  /** The default (settings the app reads) or the value the sample and infra/ give (settings the host reads). */
  readonly value: string;
  readonly example?: string;
}

/** Both tables, as they stand between the markers. */
export function renderSettingsReference(): string {
  const sample = JSON.parse(readFileSync(new URL('local.settings.sample.json', ROOT), 'utf8')) as {
    Descriptions: Record<string, string>;
  };
  const required = (name: string) => {
    const mark = /^Required([^.]*)\./.exec(sample.Descriptions[name] ?? '')?.[1]?.trim();
    return mark === undefined ? '' : mark === '' ? 'yes' : mark;
  };
  const table = (header: readonly string[], rows: readonly Row[]) =>
    [
      header,
      header.map(() => '---'),
      ...rows.map((row) => [`\`${row.name}\``, prose(required(row.name)), code(row.value), description(row)]),
    ]
      .map((cells) => `| ${cells.join(' | ')} |`)
      .join('\n');

  const app = Object.entries(settings).map(([name, spec]: [string, SettingSpec<unknown>]): Row => {
    const value = spec.defaultText ?? '';
    return { name, spec, value, ...(spec.example !== '' && spec.example !== value ? { example: spec.example } : {}) };
  });
  const hostRows: [string, Row['spec'] & { readonly example: string }][] = Object.entries(hostSettings);
  const host = hostRows.map(([name, spec]): Row => ({ name, spec, value: spec.example }));
  return [
    '### Settings the app reads',
    '',
    table(['setting', 'required', 'default', 'what it does'], app),
    '',
    '### Settings the Functions host and the Azure SDKs read',
    '',
    'The code never reads these; the sample and the infrastructure set them.',
    '',
    table(['setting', 'required', 'value', 'what it does'], host),
  ].join('\n');
}

function description(row: Row): string {
  return [
    prose(row.spec.description),
    row.example === undefined ? '' : `Example: ${code(row.example)}`,
    row.spec.localOnly ? 'Never set in Azure.' : '',
    row.spec.secret ? 'A secret: never printed or logged.' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Text in a table cell: what Markdown would read as a column break, emphasis or an HTML tag stays text. */
function prose(text: string): string {
  return text.replace(/[\\|*<]/g, (character) => `\\${character}`);
}

function code(text: string): string {
  return text === '' ? '' : `\`${text.replaceAll('|', '\\|')}\``;
}

/** The document with its generated part replaced; throws when the markers are missing. */
export function withReference(document: string): string {
  const begin = document.indexOf(BEGIN);
  const end = document.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`docs/configuration.md must hold the markers ${BEGIN} and ${END}`);
  return `${document.slice(0, begin + BEGIN.length)}\n\n${renderSettingsReference()}\n\n${document.slice(end)}`;
}
