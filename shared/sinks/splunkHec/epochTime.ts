/**
 * HEC's `time` is epoch seconds. Defender's `time` has seven fractional digits; going through Date would round
 * them to milliseconds, so the seconds are computed from the date and time fields and the fraction is kept as
 * written.
 */

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** Epoch seconds as JSON number text (e.g. `1784383690.0236840`); undefined when `time` is not an ISO 8601 UTC time. */
export function epochSeconds(time: string): string | undefined {
  const match = ISO_TIME.exec(time);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match as unknown as [string, ...string[]];
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  const seconds = date.getTime() / 1000 - zoneOffsetSeconds(zone);
  if (seconds < 0) return undefined;
  return fraction === undefined ? String(seconds) : `${seconds}.${fraction}`;
}

function zoneOffsetSeconds(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
}
