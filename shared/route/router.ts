/**
 * Route: where one record goes. SIEM_URL and the protocol's destination settings are templates filled in from the
 * record; SIEM_ROUTES overrides them per table, per tenant and per tenant and table. Records whose routes differ
 * never share a request: the batcher keys batches by `Route.key`, which always holds the tenant, so a batch never
 * mixes tenants even where nothing routes by tenant.
 */
import { routesFor, type RouteOverrides } from '../config/routes.js';
import type { Destination, Routable, Route, RouteProblem } from '../types/route.js';
import { tableName } from '../defender/tables.js';
import {
  checkPathSegment,
  expandTemplate,
  expandUrl,
  UnroutableError,
  usesVariable,
  type TemplateValues,
} from './template.js';

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
  const where = {
    key: JSON.stringify([values.tenantId ?? null, values.category]),
    category: values.category,
    table: values.table,
    ...(values.tenantId === undefined ? {} : { tenantId: values.tenantId }),
  };
  // Where there is nowhere to send a record, the templates are left unfilled.
  const nowhere = (problem: RouteProblem): Route => ({ ...where, url: destination.url, problem });
  const templates = [destination.url, destination.sourcetype, destination.index, destination.stream];
  if (
    values.tenantId === undefined &&
    templates.some((template) => template !== undefined && usesVariable(template, 'tenantId'))
  ) {
    return nowhere({
      reason: 'missing-tenant',
      detail: 'the destination uses {tenantId} and the records have no tenantId',
    });
  }
  const route: { -readonly [K in keyof Route]: Route[K] } = { ...where, url: destination.url };
  if (destination.secretName !== undefined) route.secretName = destination.secretName;
  try {
    route.url = expandUrl(destination.url, values);
    for (const field of ['sourcetype', 'index', 'stream'] as const) {
      const template = destination[field];
      if (template !== undefined) route[field] = expandTemplate(template, values);
    }
    // The Logs Ingestion API (sentinel) takes the stream as a segment of its URL's path.
    if (route.stream !== undefined) checkPathSegment(route.stream, 'the stream');
  } catch (error) {
    // What stops one record's route stops that record (and those like it), never the invocation.
    const detail = error instanceof UnroutableError ? error.message : `the route could not be made: ${String(error)}`;
    return nowhere({ reason: 'unroutable', detail });
  }
  return route;
}
