/**
 * Everything a SIEM protocol brings, in one object its folder exports: the SIEM_FORMAT it answers to, its own
 * settings, its request limits and defaults, the route fields it uses, the check of its own settings, and the sink
 * that speaks it. The registry lists the definitions; the settings table, the configuration and createSink read
 * them, and nothing else knows one protocol from another.
 */
import type { RouteField } from '../config/routes.js';
import type { SettingRows, SettingValues } from '../config/settingTypes.js';
import type { SiemAuthMode, SiemConfig } from '../config/siemConfig.js';
import type { Router } from '../route/router.js';
import type { Destination } from '../types/route.js';
import type { Sink } from '../types/sink.js';

export interface SinkDefinition<Rows extends SettingRows = SettingRows, Protocol = unknown> {
  /** The SIEM_FORMAT value that picks this protocol. */
  readonly format: string;
  /** A few words for SIEM_FORMAT's description, such as "Splunk HTTP Event Collector". */
  readonly about: string;
  /** Its own app settings, named after it; they join the settings table after the SIEM settings every protocol shares. */
  readonly settings: Rows;
  /** The default of SIEM_MAX_BATCH_BYTES, and the most the protocol takes in one request. */
  readonly maxBatchBytes: { readonly default: number; readonly max: number };
  /** SIEM_AUTH when unset; absent: bearer. `onlyBecause`: no other mode works, and why. */
  readonly auth?: { readonly default: SiemAuthMode; readonly onlyBecause?: string; readonly entraScope?: string };
  /** The path a bare SIEM_URL (https://host:port) gets; `note`: what the URL is, for the settings table. */
  readonly url?: { readonly defaultPath?: string; readonly note?: string };
  /** What a SIEM_ROUTES entry may set for this protocol; any other field stops start-up. */
  readonly routeFields: readonly RouteField[];
  /** Its settings' part of the default destination (sourcetype, index, stream), before SIEM_ROUTES. */
  destination?(values: SettingValues<Rows>): Omit<Destination, 'url'>;
  /**
   * Checks its own settings and makes of them what its sink reads (SiemConfig.protocol); undefined once it has
   * reported a problem. Absent: the protocol reads nothing of its own.
   */
  parse?(
    values: SettingValues<Rows>,
    report: (name: keyof Rows & string, message: string) => void,
  ): Protocol | undefined;
  create(siem: SiemConfig<Protocol>, router: Router): Sink;
}

/** A definition with its settings' and parsed values' types worked out from the object itself. */
export function defineSink<const Rows extends SettingRows, Protocol = Record<string, never>>(
  definition: SinkDefinition<Rows, Protocol>,
): SinkDefinition<Rows, Protocol> {
  return definition;
}

/** What `definition` made of its settings, when `siem` is configured for its format; else undefined. */
export function protocolOf<Protocol>(
  definition: SinkDefinition<SettingRows, Protocol>,
  siem: SiemConfig,
): Protocol | undefined {
  return siem.format === definition.format ? (siem.protocol as Protocol) : undefined;
}
