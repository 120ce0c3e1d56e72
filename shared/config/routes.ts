/**
 * SIEM_ROUTES: per-table overrides of where records go, as one JSON object, e.g.
 * {"DeviceProcessEvents": {"index": "edr", "sourcetype": "defender:process"}, "AdvancedHunting-EmailEvents": {...}}.
 * Keys are table names, with or without the AdvancedHunting- prefix. Checked here for shape; which fields make
 * sense for which SIEM_FORMAT is checked with the other SIEM settings.
 */
import { tableName } from '../defender/tables.js';
import { SettingProblem } from './settingTypes.js';

export const ROUTE_FIELDS = ['url', 'sourcetype', 'index', 'stream'] as const;
export type RouteField = (typeof ROUTE_FIELDS)[number];
export type RouteOverride = Readonly<Partial<Record<RouteField, string>>>;
/** Table name -> its overrides. */
export type RouteOverrides = ReadonlyMap<string, RouteOverride>;

export function checkRoutes(value: unknown): RouteOverrides {
  if (!isObject(value)) throw new SettingProblem('must be a JSON object of table name -> {url, sourcetype, index, stream}');
  const routes = new Map<string, RouteOverride>();
  for (const [key, override] of Object.entries(value)) {
    const table = tableName(key);
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(table)) throw new SettingProblem(`has "${key}", which is not a table name`);
    if (routes.has(table)) throw new SettingProblem(`names table ${table} twice`);
    if (!isObject(override)) throw new SettingProblem(`.${key} must be an object such as {"index": "edr"}`);
    const fields: Partial<Record<RouteField, string>> = {};
    for (const [field, text] of Object.entries(override)) {
      if (!(ROUTE_FIELDS as readonly string[]).includes(field)) {
        throw new SettingProblem(`.${key} has "${field}"; a route may set ${ROUTE_FIELDS.join(', ')}`);
      }
      if (typeof text !== 'string' || text.trim() === '') throw new SettingProblem(`.${key}.${field} must be a non-empty string`);
      fields[field as RouteField] = text.trim();
    }
    routes.set(table, fields);
  }
  return routes;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
