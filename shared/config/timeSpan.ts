/** A .NET TimeSpan as host.json and timer schedules write it ("hh:mm:ss", "d.hh:mm:ss", or -1 for none), in ms. */
export function parseTimeSpan(value: unknown): number | undefined {
  if (value === -1 || value === '-1') return Number.POSITIVE_INFINITY;
  if (typeof value !== 'string') return undefined;
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}
