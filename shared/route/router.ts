/**
 * Route: where one record goes. SIEM_URL and the protocol's destination settings are templates filled in from the
 * record; SIEM_ROUTES overrides them per table, per tenant and per tenant and table. Records whose routes differ
 * never share a request: the batcher keys batches by `Route.key`, which always holds the tenant, so a batch never
 * mixes tenants even where nothing routes by tenant.
 */
import { routesFor, type RouteOverrides } from '../config/routes.js';
import type { Destination } from '../config/siem.js';
import { tableName } from '../defender/tables.js';
import type { ForwardRecord } from '../pipeline/types.js';
import { expandTemplate, usesVariable, type TemplateValues } from './template.js';

export interface Route extends Destination {
  /** Equal keys mean equal destinations; batches never mix keys. */
  readonly key: string;
  readonly category: string;
  readonly table: string;
  /** Lower-cased; undefined for a record without one. */
  readonly tenantId?: string;
  /**
   * The destination uses `{tenantId}` and the record has none: there is nowhere to send it, so it is
   * dead-lettered (the templates are left unfilled).
   */
  readonly missingTenant?: true;
}

/** What routing reads of a record. */
export type Routable = Pick<ForwardRecord, 'category' | 'tenantId'>;

export interface Router {
  route(record: Routable): Route;
}

/** Past this many routes the cache starts again: a stream of made-up tenant ids must not grow it without end. */
const MAX_CACHED_ROUTES = 10_000;

export function createRouter(destination: Destination, overrides: RouteOverrides): Router {
  // Tenant, then category: two lookups and no string built per record.
  let routes = new Map<string | undefined, Map<string, Route>>();
  let cached = 0;
  return {
    route(record) {
      let byCategory = routes.get(record.tenantId);
      let route = byCategory?.get(record.category);
      if (route) return route;
      if (cached >= MAX_CACHED_ROUTES) {
        routes = new Map();
        cached = 0;
        byCategory = undefined;
      }
      if (!byCategory) {
        byCategory = new Map();
        routes.set(record.tenantId, byCategory);
      }
      route = resolve(templateValues(record), destination, overrides);
      byCategory.set(record.category, route);
      cached++;
      return route;
    },
  };
}

function templateValues(record: Routable): TemplateValues {
  const values = { category: record.category, table: tableName(record.category) };
  return record.tenantId ? { ...values, tenantId: record.tenantId.toLowerCase() } : values;
}

function resolve(values: TemplateValues, defaults: Destination, overrides: RouteOverrides): Route {
  const destination: Destination = Object.assign({}, defaults, ...routesFor(overrides, values.table, values.tenantId));
  const route: { -readonly [K in keyof Route]: Route[K] } = {
    key: JSON.stringify([values.tenantId ?? null, values.category]),
    category: values.category,
    table: values.table,
    url: expandTemplate(destination.url, values, encodeURIComponent),
  };
  if (values.tenantId !== undefined) route.tenantId = values.tenantId;
  if (destination.secretName !== undefined) route.secretName = destination.secretName;
  for (const field of ['sourcetype', 'index', 'stream'] as const) {
    const template = destination[field];
    if (template !== undefined) route[field] = expandTemplate(template, values);
  }
  const templates = [destination.url, destination.sourcetype, destination.index, destination.stream];
  if (values.tenantId === undefined && templates.some((template) => template !== undefined && usesVariable(template, 'tenantId'))) {
    route.missingTenant = true;
  }
  return route;
}
