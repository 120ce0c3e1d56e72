/**
 * Route: where one record goes. SIEM_URL and the protocol's destination settings are templates filled in from the
 * record; SIEM_ROUTES overrides them per table. Records whose routes differ never share a request: the batcher
 * keys batches by `Route.key`. Today a route follows from the category alone; a value that should also pick the
 * destination (a tenant, say) joins the template values and the key in `templateValues`.
 */
import type { RouteOverrides } from '../config/routes.js';
import type { Destination } from '../config/siem.js';
import { tableName } from '../defender/tables.js';
import type { ForwardRecord } from '../pipeline/types.js';
import { expandTemplate, type TemplateValues } from './template.js';

export interface Route extends Destination {
  /** Equal keys mean equal destinations; batches never mix keys. */
  readonly key: string;
  readonly category: string;
  readonly table: string;
}

export interface Router {
  route(record: ForwardRecord): Route;
}

export function createRouter(destination: Destination, overrides: RouteOverrides): Router {
  const routes = new Map<string, Route>();
  return {
    route(record) {
      const values = templateValues(record);
      const key = routeKey(values);
      let route = routes.get(key);
      if (!route) {
        route = resolve(key, values, { ...destination, ...overrides.get(values.table) });
        routes.set(key, route);
      }
      return route;
    },
  };
}

function templateValues(record: ForwardRecord): TemplateValues {
  return { category: record.category, table: tableName(record.category) };
}

function routeKey(values: TemplateValues): string {
  return values.category;
}

function resolve(key: string, values: TemplateValues, destination: Destination): Route {
  const route: { -readonly [K in keyof Route]: Route[K] } = {
    key,
    category: values.category,
    table: values.table,
    url: expandTemplate(destination.url, values, encodeURIComponent),
  };
  for (const field of ['sourcetype', 'index', 'stream'] as const) {
    const template = destination[field];
    if (template !== undefined) route[field] = expandTemplate(template, values);
  }
  return route;
}
