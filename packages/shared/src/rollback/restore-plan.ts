import type { MigrationConfig } from '../config/types.js';
import { InputError } from '../errors/index.js';
import type { LedgerEvent } from '../ledger/event.js';
import type { ParameterState } from '../resources/app-parameters.js';
import type { ParameterWrite } from '../resources/parameter-writes.js';
import { recordedParameters } from '../cutover/events.js';
import { generationTargets } from '../cutover/targets.js';

/** The v1 values given as inputs, for a rollback with no cutover in the ledger. */
export interface ExplicitV1 {
  endpoint?: string;
  secretName?: string;
  tableName?: string;
}

/** What a rollback writes, and where that came from. */
export interface RestorePlan {
  source: { kind: 'ledger'; event: LedgerEvent } | { kind: 'inputs' };
  writes: ParameterWrite[];
}

/**
 * From the cutover the ledger recorded: every parameter it replaced, in every Region, back to exactly
 * the type and value it had (one it created is deleted again). Independent of what the parameters hold
 * now, so that a cutover that died after any number of its writes is undone whole.
 */
export function restoreFromLedger(started: LedgerEvent): RestorePlan {
  const writes = recordedParameters(started).map((p): ParameterWrite => ({
    region: p.region,
    name: p.name,
    ...(p.before.exists ? { value: { type: p.before.type, value: p.before.value } } : {}),
  }));
  return { source: { kind: 'ledger', event: started }, writes };
}

/**
 * From the inputs, when the ledger has no cutover: the guide's step 3.4, in every Region that holds the
 * parameters now (the primary Region when none does), with the guide's types.
 */
export function restoreFromInputs(
  config: MigrationConfig,
  given: ExplicitV1,
  now: readonly ParameterState[],
  inputNames: { endpoint: string; secretName: string; tableName: string },
): RestorePlan {
  const missing = (
    [
      ['endpoint', inputNames.endpoint],
      ['secretName', inputNames.secretName],
      ['tableName', inputNames.tableName],
    ] as const
  ).filter(([key]) => !given[key]);
  if (missing.length > 0) {
    throw new InputError(
      missing[0]![1],
      `the ledger of ${config.environment} records no cutover, so the v1 values must be given: set ` +
        `${missing.map(([, input]) => input).join(', ')} (e.g. ${inputNames.endpoint}: the v1 writer endpoint as the ` +
        `application reads it, ${inputNames.secretName}: ${config.v1.secret}, ${inputNames.tableName}: ${config.v1.table}).`,
    );
  }
  const targets = generationTargets(
    { ...config, v1: { ...config.v1, secret: given.secretName!, table: given.tableName! } },
    'v1',
    given.endpoint!,
  );
  const regions = [...new Set(now.filter((s) => s.exists).map((s) => s.region))];
  const writes = (regions.length > 0 ? regions : [config.regions.primary]).flatMap((region) =>
    targets.map((t) => ({ region, name: t.name, value: t.target })),
  );
  return { source: { kind: 'inputs' }, writes };
}
