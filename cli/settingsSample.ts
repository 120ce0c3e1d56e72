/**
 * local.settings.sample.json, generated from the settings table so the two cannot drift apart. The settings a
 * local `func start` cannot run without come first, marked Required, with placeholders to replace; every other
 * setting is at its default, so an optional feature (routes, a CA secret, redrive, the directory refresh) stays off
 * until it is set, and its example is in its description.
 */
import { describeSettings, hostSettings } from '../shared/config/settings.js';

const secretNeeded = (other: string) =>
  `Required with ${other}, unless SIEM_SECRET is set (local only) or SIEM_AUTH is none or entra.`;

/** The required settings, in the order they appear, and what the mark says. */
const REQUIRED: Readonly<Record<string, string>> = {
  FUNCTIONS_WORKER_RUNTIME: 'Required.',
  AzureWebJobsStorage: 'Required for func start.',
  EventHubConnection__fullyQualifiedNamespace: 'Required for func start.',
  EVENT_HUB_NAMES: 'Required for func start.',
  SIEM_URL: 'Required.',
  KEY_VAULT_URL: secretNeeded('SIEM_SECRET_NAME'),
  SIEM_SECRET_NAME: secretNeeded('KEY_VAULT_URL'),
};

interface SampleRow {
  readonly name: string;
  readonly value: string;
  readonly description: string;
}

export function sampleSettings(): string {
  const rows: SampleRow[] = [
    // What the Functions host and the SDKs read keeps its value: these are how the app runs, not features.
    ...Object.entries(hostSettings).map(([name, spec]) => ({
      name,
      value: spec.example,
      description: `(read by the Functions host or the Azure SDKs) ${spec.description}`,
    })),
    ...describeSettings().map((setting) => {
      const value = REQUIRED[setting.name] ? setting.example : (setting.defaultText ?? '');
      const example = setting.example !== '' && setting.example !== value ? ` Example: ${setting.example}` : '';
      return {
        name: setting.name,
        value,
        description: `${setting.secret ? '(secret: Key Vault in Azure) ' : ''}${setting.description}${example}`,
      };
    }),
  ];
  const required = Object.keys(REQUIRED).map((name) => rows.find((row) => row.name === name)!);
  const ordered = [...required, ...rows.filter((row) => !REQUIRED[row.name])];
  const values = Object.fromEntries(ordered.map((row) => [row.name, row.value]));
  const descriptions = Object.fromEntries(
    ordered.map((row) => [row.name, REQUIRED[row.name] ? `${REQUIRED[row.name]} ${row.description}` : row.description]),
  );
  return `${JSON.stringify({ IsEncrypted: false, Values: values, Descriptions: descriptions }, null, 2)}\n`;
}
