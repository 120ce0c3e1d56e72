/** local.settings.sample.json, generated from the settings table so the two cannot drift apart. */
import { describeSettings, hostSettings } from './settings.js';

/** Local values that differ from the documented example: locally, storage is Azurite. */
const LOCAL_VALUES: Record<string, string> = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  DEAD_LETTER_STORAGE__blobServiceUri: '',
};

export function sampleSettings(): string {
  const values: Record<string, string> = {};
  const descriptions: Record<string, string> = {};
  for (const [name, spec] of Object.entries(hostSettings)) {
    values[name] = spec.example;
    descriptions[name] = `(read by the Functions host or the Azure SDKs) ${spec.description}`;
  }
  for (const setting of describeSettings()) {
    values[setting.name] = LOCAL_VALUES[setting.name] ?? setting.example;
    descriptions[setting.name] = `${setting.secret ? '(secret: Key Vault in Azure) ' : ''}${setting.description}`;
  }
  return `${JSON.stringify({ IsEncrypted: false, Values: values, Descriptions: descriptions }, null, 2)}\n`;
}
