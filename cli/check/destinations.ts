/**
 * The SIEM destinations the settings name: SIEM_URL, and each route that changes where records go or with which
 * credential. A destination whose URL or stream depends on the table or tenant is probed as it is for one table
 * (the first in CATEGORIES_INCLUDE, else DeviceEvents) and one tenant (the first in ALLOWED_TENANT_IDS, else
 * none): the same table and tenant the test record is sent as.
 */
import type { Config } from '../../shared/config/config.js';
import { routeScope } from '../../shared/config/routes.js';
import { tableName } from '../../shared/defender/tables.js';
import { createRouter } from '../../shared/route/router.js';
import type { Route } from '../../shared/types/route.js';

export interface Destination {
  /** How output names it: "SIEM_URL" or `SIEM_ROUTES "<key>"`. */
  readonly label: string;
  /** The setting its URL comes from, for fixes. */
  readonly urlSetting: string;
  readonly route: Route;
}

const DEFAULT_TABLE = 'DeviceEvents';

export function sampleTable(config: Config): string {
  const first = config.categories.include[0];
  return first === undefined ? DEFAULT_TABLE : tableName(first);
}

export function sampleTenant(config: Config): string | undefined {
  return config.tenants.allowed[0];
}

export function destinations(config: Config): Destination[] {
  const router = createRouter(config.siem.destination, config.siem.routes);
  const table = sampleTable(config);
  const tenant = sampleTenant(config);
  const found: Destination[] = [
    { label: 'SIEM_URL', urlSetting: 'SIEM_URL', route: router.route(routable(table, tenant)) },
  ];
  for (const [key, override] of config.siem.routes) {
    if (override.url === undefined && override.secretName === undefined && override.stream === undefined) continue;
    const scope = routeScope(key);
    found.push({
      label: `SIEM_ROUTES "${key}"`,
      urlSetting: override.url === undefined ? 'SIEM_URL' : `SIEM_ROUTES "${key}".url`,
      route: router.route(routable(scope.table ?? table, scope.tenantId ?? tenant)),
    });
  }
  // Routes can lead to the same place with the same credential: each is probed once.
  const unique = new Map<string, Destination>();
  for (const destination of found) {
    const { url, secretName, stream } = destination.route;
    const key = JSON.stringify([url, secretName, stream]);
    if (!unique.has(key)) unique.set(key, destination);
  }
  return [...unique.values()];
}

function routable(table: string, tenantId: string | undefined) {
  return { category: `AdvancedHunting-${table}`, ...(tenantId === undefined ? {} : { tenantId }) };
}
