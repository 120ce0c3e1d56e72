/**
 * What we know about Defender's Advanced Hunting tables: a record's `category` is `AdvancedHunting-<table>`, and
 * these are the tables the Streaming API is documented or seen to send. Anything else is a new table (schema
 * drift): it is forwarded like the rest, and counted by name so operators notice it.
 */

const PREFIX = 'AdvancedHunting-';

export const KNOWN_TABLES: ReadonlySet<string> = new Set([
  // Documented as streamed (supported event types of the Streaming API).
  'AlertEvidence',
  'AlertInfo',
  'BehaviorEntities',
  'BehaviorInfo',
  'CloudAppEvents',
  'DeviceEvents',
  'DeviceFileCertificateInfo',
  'DeviceFileEvents',
  'DeviceImageLoadEvents',
  'DeviceInfo',
  'DeviceLogonEvents',
  'DeviceNetworkEvents',
  'DeviceNetworkInfo',
  'DeviceProcessEvents',
  'DeviceRegistryEvents',
  'EmailAttachmentInfo',
  'EmailEvents',
  'EmailPostDeliveryEvents',
  'EmailUrlInfo',
  'IdentityDirectoryEvents',
  'IdentityLogonEvents',
  'IdentityQueryEvents',
  'UrlClickEvents',
  // Not in the documented list, but seen in real streams.
  'CloudAuditEvents',
  'CloudProcessEvents',
  'CloudStorageAggregatedEvents',
  'IdentityInfo',
  'MessageEvents',
  'MessagePostDeliveryEvents',
  'MessageUrlInfo',
]);

/** `AdvancedHunting-DeviceEvents` -> `DeviceEvents`; a category without the prefix is its own table name. */
export function tableName(category: string): string {
  return category.startsWith(PREFIX) ? category.slice(PREFIX.length) : category;
}

export function isKnownTable(category: string): boolean {
  return KNOWN_TABLES.has(tableName(category));
}
