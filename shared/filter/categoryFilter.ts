/**
 * Filter: which tables are forwarded (CATEGORIES_INCLUDE / CATEGORIES_EXCLUDE). A record left out is counted per
 * category, never silently dropped, and tables we do not know yet are counted by name so schema drift shows.
 */
import { isKnownTable, tableName } from '../defender/tables.js';
import type { ForwardRecord } from '../types/records.js';

export interface CategorySelection {
  /** Table names, with or without the AdvancedHunting- prefix; empty forwards every table. */
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export interface Filtered {
  readonly records: ForwardRecord[];
  /** Records left out, per category. */
  readonly excluded: ReadonlyMap<string, number>;
  /** Records of tables not in the known list (forwarded or not), per category. */
  readonly unknownTables: ReadonlyMap<string, number>;
}

export type CategoryFilter = (records: readonly ForwardRecord[]) => Filtered;

export function createCategoryFilter(selection: CategorySelection): CategoryFilter {
  const include = new Set(selection.include.map(tableName));
  const exclude = new Set(selection.exclude.map(tableName));
  const decisions = new Map<string, boolean>();
  const forwards = (category: string) => {
    let decision = decisions.get(category);
    if (decision === undefined) {
      const table = tableName(category);
      decision = (include.size === 0 || include.has(table)) && !exclude.has(table);
      decisions.set(category, decision);
    }
    return decision;
  };
  return (records) => {
    const kept: ForwardRecord[] = [];
    const excluded = new Map<string, number>();
    const unknownTables = new Map<string, number>();
    for (const record of records) {
      if (!isKnownTable(record.category))
        unknownTables.set(record.category, (unknownTables.get(record.category) ?? 0) + 1);
      if (forwards(record.category)) kept.push(record);
      else excluded.set(record.category, (excluded.get(record.category) ?? 0) + 1);
    }
    return { records: kept, excluded, unknownTables };
  };
}
