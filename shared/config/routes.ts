/**
 * SIEM_ROUTES: overrides of where records go, as one JSON object. Each key says which records a route is for:
 *   "DeviceProcessEvents"           one table (with or without the AdvancedHunting- prefix), of every tenant
 *   "tenant:<tenantId>"             every table of one tenant
 *   "tenant:<tenantId>/DeviceInfo"  one table of one tenant
 * e.g. {"DeviceInfo": {"index": "assets"}, "tenant:4b8c18bd-...": {"url": "https://...", "secretName": "contoso-hec"}}.
 * Field by field the most specific route wins: tenant and table, then tenant, then table, then the settings.
 * Checked here for shape; which fields make sense for which SIEM_FORMAT and SIEM_AUTH is checked with the other
 * SIEM settings.
 */
import { tableName } from '../defender/tables.js';
import { isGuid } from './guid.js';
import { SettingProblem } from './settingTypes.js';

export const ROUTE_FIELDS = ['url', 'secretName', 'sourcetype', 'index', 'stream'] as const;
export type RouteField = (typeof ROUTE_FIELDS)[number];
export type RouteOverride = Readonly<Partial<Record<RouteField, string>>>;
/** Route key -> its overrides. Keys as `tenantRoute` and `tenantTableRoute` write them; a table's key is its name. */
export type RouteOverrides = ReadonlyMap<string, RouteOverride>;

const TENANT_PREFIX = 'tenant:';

/** `tenantId` lower-cased, as records are matched to routes. */
export function tenantRoute(tenantId: string): string {
  return `${TENANT_PREFIX}${tenantId}`;
}

export function tenantTableRoute(tenantId: string, table: string): string {
  return `${TENANT_PREFIX}${tenantId}/${table}`;
}

export function isTenantRoute(key: string): boolean {
  return key.startsWith(TENANT_PREFIX);
}

/** What a route key names: a table, a tenant, or a tenant's table. */
export function routeScope(key: string): { readonly tenantId?: string; readonly table?: string } {
  if (!isTenantRoute(key)) return { table: key };
  const [tenantId, table] = key.slice(TENANT_PREFIX.length).split('/');
  return { ...(tenantId ? { tenantId } : {}), ...(table ? { table } : {}) };
}

/** The routes for one table of one tenant (lower-cased; undefined when the record names none), least specific first. */
export function routesFor(routes: RouteOverrides, table: string, tenantId: string | undefined): RouteOverride[] {
  const keys = tenantId === undefined ? [table] : [table, tenantRoute(tenantId), tenantTableRoute(tenantId, table)];
  return keys.flatMap((key) => routes.get(key) ?? []);
}

export function checkRoutes(value: unknown): RouteOverrides {
  if (!isObject(value)) {
    throw new SettingProblem(
      'must be a JSON object of table, tenant:<tenantId> or tenant:<tenantId>/<table> -> {url, secretName, sourcetype, index, stream}',
    );
  }
  const routes = new Map<string, RouteOverride>();
  for (const [key, override] of Object.entries(value)) {
    const route = routeKeyOf(key);
    if (routes.has(route)) throw new SettingProblem(`names ${isTenantRoute(route) ? route : `table ${route}`} twice`);
    if (!isObject(override)) throw new SettingProblem(`.${key} must be an object such as {"index": "edr"}`);
    const fields: Partial<Record<RouteField, string>> = {};
    for (const [field, text] of Object.entries(override)) {
      if (!(ROUTE_FIELDS as readonly string[]).includes(field)) {
        throw new SettingProblem(`.${key} has "${field}"; a route may set ${ROUTE_FIELDS.join(', ')}`);
      }
      if (typeof text !== 'string' || text.trim() === '')
        throw new SettingProblem(`.${key}.${field} must be a non-empty string`);
      fields[field as RouteField] = text.trim();
    }
    routes.set(route, fields);
  }
  return routes;
}

/** A key as written -> the one it is stored under: tables without their prefix, tenant ids lower-cased. */
function routeKeyOf(key: string): string {
  if (!isTenantRoute(key)) return checkedTable(key, key);
  const [tenantId = '', table, ...rest] = key.slice(TENANT_PREFIX.length).split('/');
  if (!isGuid(tenantId) || rest.length > 0) {
    throw new SettingProblem(
      `has "${key}"; a tenant route is "tenant:<tenantId>" or "tenant:<tenantId>/<table>", the tenant id a GUID such as 4b8c18bd-2f9f-4227-af55-9f1061cf9c32`,
    );
  }
  const tenant = tenantId.toLowerCase();
  return table === undefined ? tenantRoute(tenant) : tenantTableRoute(tenant, checkedTable(table, key));
}

function checkedTable(text: string, key: string): string {
  const table = tableName(text);
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(table)) {
    throw new SettingProblem(
      `has "${key}", which is not a table name, "tenant:<tenantId>" or "tenant:<tenantId>/<table>"`,
    );
  }
  return table;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
