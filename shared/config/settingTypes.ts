/**
 * The building blocks of the settings table: each one turns the raw text of an app setting into a typed value,
 * or throws a SettingProblem that says what was expected. Defaults live here, next to the parsing.
 */
import { quoted } from './quoted.js';
import { SecretValue } from '../types/secretValue.js';

export class SettingProblem extends Error {}

export interface SettingSpec<T> {
  readonly description: string;
  /** An example value: the placeholder of a required setting in local.settings.sample.json, else in its description. */
  readonly example: string;
  /** The default as written in a settings file; absent when unset means off or follows from other settings. */
  readonly defaultText?: string;
  readonly secret?: boolean;
  /** Local development only (a secret or connection string, the command line's folder): infra/ never sets it. */
  readonly localOnly?: boolean;
  /** A destination template ({table}, {category}, {tenantId}): its placeholders are checked at start-up. */
  readonly template?: boolean;
  parse(raw: string | undefined): T;
}

/** Rows of the settings table, by setting name. */
export type SettingRows = Readonly<Record<string, SettingSpec<unknown>>>;
/** What `Rows` parse to, by setting name. */
export type SettingValues<Rows extends SettingRows> = { readonly [K in keyof Rows]: ReturnType<Rows[K]['parse']> };

interface Common {
  description: string;
  example?: string;
}

export function localOnly<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return { ...spec, localOnly: true };
}

function present(raw: string | undefined): raw is string {
  return raw !== undefined && raw.trim() !== '';
}

type TextOptions = Common & { template?: true };

export function text(options: TextOptions & { default: string }): SettingSpec<string>;
export function text(options: TextOptions & { required: true }): SettingSpec<string>;
export function text(options: TextOptions): SettingSpec<string | undefined>;
export function text(options: TextOptions & { default?: string; required?: boolean }): SettingSpec<string | undefined> {
  return {
    description: options.description,
    example: options.example ?? options.default ?? '',
    ...(options.default === undefined ? {} : { defaultText: options.default }),
    ...(options.template ? { template: true } : {}),
    parse(raw) {
      if (present(raw)) return raw.trim();
      if (options.required) throw new SettingProblem('is required');
      return options.default;
    },
  };
}

export function secret(options: Common): SettingSpec<SecretValue | undefined> {
  return {
    description: options.description,
    example: options.example ?? '',
    secret: true,
    parse(raw) {
      return present(raw) ? new SecretValue(raw) : undefined;
    },
  };
}

export function integer(options: Common & { default: number; min: number; max?: number }): SettingSpec<number>;
/** Without a default, unset stays undefined: the value then comes from elsewhere (e.g. the SIEM format's limit). */
export function integer(options: Common & { min: number; max?: number }): SettingSpec<number | undefined>;
export function integer(
  options: Common & { default?: number; min: number; max?: number },
): SettingSpec<number | undefined> {
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return {
    description: options.description,
    example: options.example ?? (options.default === undefined ? '' : String(options.default)),
    ...(options.default === undefined ? {} : { defaultText: String(options.default) }),
    parse(raw) {
      if (!present(raw)) return options.default;
      const value = Number(raw.trim());
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < options.min || value > max) {
        throw new SettingProblem(`must be a whole number from ${options.min} to ${max}, got ${quoted(raw)}`);
      }
      return value;
    },
  };
}

export function flag(options: Common & { default: boolean }): SettingSpec<boolean> {
  return {
    description: options.description,
    example: options.example ?? String(options.default),
    defaultText: String(options.default),
    parse(raw) {
      if (!present(raw)) return options.default;
      const value = raw.trim().toLowerCase();
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      throw new SettingProblem(`must be true or false, got ${quoted(raw)}`);
    },
  };
}

export function choice<const T extends string>(options: Common & { values: readonly T[]; default: T }): SettingSpec<T>;
/** Without a default, unset stays undefined: the value then follows from other settings. */
export function choice<const T extends string>(options: Common & { values: readonly T[] }): SettingSpec<T | undefined>;
export function choice<const T extends string>(
  options: Common & { values: readonly T[]; default?: T },
): SettingSpec<T | undefined> {
  return {
    description: options.description,
    example: options.example ?? options.default ?? '',
    ...(options.default === undefined ? {} : { defaultText: options.default }),
    parse(raw) {
      if (!present(raw)) return options.default;
      const value = raw.trim().toLowerCase();
      const found = options.values.find((candidate) => candidate === value);
      if (found === undefined)
        throw new SettingProblem(`must be one of ${options.values.join(', ')}, got ${quoted(raw)}`);
      return found;
    },
  };
}

export function list(options: Common & { required?: boolean }): SettingSpec<readonly string[]> {
  return {
    description: options.description,
    example: options.example ?? '',
    parse(raw) {
      const items = present(raw)
        ? raw
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '')
        : [];
      if (options.required && items.length === 0) throw new SettingProblem('is required: a comma-separated list');
      return items;
    },
  };
}

/** A JSON object setting; `check` validates its shape and returns the typed value. */
export function json<T>(options: Common & { default: T; check: (value: unknown) => T }): SettingSpec<T> {
  return {
    description: options.description,
    example: options.example ?? '',
    parse(raw) {
      if (!present(raw)) return options.default;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new SettingProblem('must be valid JSON');
      }
      return options.check(value);
    },
  };
}
