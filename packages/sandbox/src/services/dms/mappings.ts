import { invalidParameter } from './errors.js';

/** A selection rule of a task's TableMappings. */
interface SelectionRule {
  schema: RegExp;
  table: RegExp;
  action: 'include' | 'exclude';
}

export interface TableSelection {
  rules: SelectionRule[];
}

/**
 * DMS's object-locator patterns: `%` any run of characters, `_` any one, `[…]` one of a set or range
 * (`[_]` a literal underscore); everything else stands for itself.
 */
function pattern(locator: string): RegExp {
  let source = '';
  for (let i = 0; i < locator.length; i++) {
    const c = locator[i]!;
    const close = c === '[' ? locator.indexOf(']', i + 2) : -1;
    if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else if (close > i) {
      const set = locator.slice(i + 1, close).replace(/[\\\]^]/g, '\\$&');
      source += `[${set}]`;
      i = close;
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Reads TableMappings (a JSON string): its `selection` rules; transformation and other rules are
 * accepted and not applied by the sandbox. A mapping with no include rule selects nothing, which DMS refuses.
 */
export function parseTableMappings(text: string): TableSelection {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParameter('Invalid Table Mappings document: not valid JSON.');
  }
  const rules = (parsed as { rules?: unknown })?.rules;
  if (!Array.isArray(rules))
    throw invalidParameter('Invalid Table Mappings document: "rules" must be a list.');
  const selection: SelectionRule[] = [];
  for (const rule of rules as Record<string, unknown>[]) {
    if (rule?.['rule-type'] !== 'selection') continue;
    const locator = (rule['object-locator'] ?? {}) as Record<string, unknown>;
    const action = rule['rule-action'];
    if (typeof locator['schema-name'] !== 'string' || typeof locator['table-name'] !== 'string') {
      throw invalidParameter(
        'Invalid Table Mappings document: a selection rule needs schema-name and table-name.',
      );
    }
    if (action !== 'include' && action !== 'exclude' && action !== 'explicit') {
      throw invalidParameter(
        `Invalid Table Mappings document: rule-action ${String(action)} is not supported.`,
      );
    }
    selection.push({
      schema: pattern(locator['schema-name']),
      table: pattern(locator['table-name']),
      action: action === 'exclude' ? 'exclude' : 'include',
    });
  }
  if (!selection.some((r) => r.action === 'include')) {
    throw invalidParameter('Invalid Table Mappings document: no selection rule includes any table.');
  }
  return { rules: selection };
}

/** Included by some rule and excluded by none. */
export function selects(selection: TableSelection, schema: string, table: string): boolean {
  const hit = (rule: SelectionRule) => rule.schema.test(schema) && rule.table.test(table);
  return (
    selection.rules.some((r) => r.action === 'include' && hit(r)) &&
    !selection.rules.some((r) => r.action === 'exclude' && hit(r))
  );
}

/** What the engine honours of ReplicationTaskSettings. */
export interface TaskSettings {
  targetTablePrepMode: 'DO_NOTHING' | 'TRUNCATE_BEFORE_LOAD';
  enableValidation: boolean;
  /** FullLoadSettings.StopTaskCachedChangesNotApplied: stop after the full load, before CDC. */
  stopBeforeCachedChanges: boolean;
}

/** Reads ReplicationTaskSettings (a JSON string); DROP_AND_CREATE is refused: the sandbox creates no tables. */
export function parseTaskSettings(text: string | undefined): TaskSettings {
  // DMS's default mode is DROP_AND_CREATE: a task without settings is refused like one that asks for it.
  if (text === undefined || text.trim() === '') text = '{}';
  let parsed: Record<string, Record<string, unknown> | undefined>;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw invalidParameter('Invalid task settings JSON.');
  }
  // A full-load setting, as DMS documents it (FullLoadSettings).
  const mode = parsed?.['FullLoadSettings']?.['TargetTablePrepMode'] ?? 'DROP_AND_CREATE';
  if (mode !== 'DO_NOTHING' && mode !== 'TRUNCATE_BEFORE_LOAD') {
    throw invalidParameter(
      `TargetTablePrepMode ${String(mode)} is not supported by the sandbox (it creates no tables): use DO_NOTHING or TRUNCATE_BEFORE_LOAD.`,
    );
  }
  return {
    targetTablePrepMode: mode,
    enableValidation: parsed?.['ValidationSettings']?.['EnableValidation'] === true,
    stopBeforeCachedChanges: parsed?.['FullLoadSettings']?.['StopTaskCachedChangesNotApplied'] === true,
  };
}
