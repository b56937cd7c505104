import type { JsonObject, LedgerEvent, LedgerEventDraft } from '../ledger/event.js';
import type { ParameterState, ParameterValue } from '../resources/app-parameters.js';
import type { CutoverBasis } from './guards.js';
import type { CutoverPlan, ParameterChange } from './plan.js';
import { CUTOVER_EVENTS } from './state.js';

/** A parameter's value as an event keeps it: in `data` when plain, in `secrets` (SecureString-stored) when not. */
function secretKey(side: 'before' | 'after', change: { region: string; name: string }): string {
  return `${side}:${change.region}:${change.name}`;
}

/**
 * Recorded before the first parameter is written: every value, type and version the cutover is about to
 * replace, in every Region (absent ones too, which a rollback deletes again), so that a runner that dies
 * at any later moment leaves what a rollback needs. SecureString values go into the event's secrets.
 */
export function cutoverStartedEvent(
  plan: CutoverPlan,
  basis: CutoverBasis,
  baselines: JsonObject,
): LedgerEventDraft {
  const secrets: Record<string, string> = {};
  const keep = (
    side: 'before' | 'after',
    change: ParameterChange,
    value: ParameterValue | ParameterState,
  ): JsonObject => {
    if (!('type' in value)) return {};
    if (value.type === 'SecureString') {
      secrets[secretKey(side, change)] = value.value;
      return { type: value.type };
    }
    return { type: value.type, value: value.value };
  };
  const parameters = plan.changes.map((change): JsonObject => ({
    key: change.key,
    region: change.region,
    name: change.name,
    before: change.before.exists
      ? { exists: true, version: change.before.version, ...keep('before', change, change.before) }
      : { exists: false },
    after: keep('after', change, change.after),
  }));
  return {
    type: CUTOVER_EVENTS.started,
    data: {
      parameterRegions: plan.parameterRegions,
      parameters,
      fleets: plan.fleets.map((f) => ({
        role: f.role,
        group: f.group,
        region: f.region,
        reads: { ...f.reads },
      })),
      refresh: { ...plan.refresh },
      clusters: { ...plan.clusters },
      basis: { health: basis.health.sequence, parity: basis.parity.sequence },
      baselines,
    },
    secrets,
  };
}

/** One parameter as a cutover-started event recorded it, secrets read back from the event. */
export interface RecordedParameter {
  key: string;
  region: string;
  name: string;
  before: { exists: false } | { exists: true; type: ParameterValue['type']; value: string; version: number };
  after: ParameterValue;
}

/** The parameters a cutover-started event recorded, with the SecureString values it kept. */
export function recordedParameters(event: LedgerEvent): RecordedParameter[] {
  const list = event.data['parameters'];
  if (!Array.isArray(list)) throw new Error(`the ledger event ${event.name} records no parameters`);
  return list.map((entry) => {
    const p = entry as JsonObject;
    const where = { region: String(p['region']), name: String(p['name']) };
    const valueOf = (side: 'before' | 'after', recorded: JsonObject): ParameterValue => {
      const type = recorded['type'] as ParameterValue['type'];
      const value = type === 'SecureString' ? event.secrets[secretKey(side, where)] : recorded['value'];
      if (typeof value !== 'string') {
        throw new Error(
          `the ledger event ${event.name} lacks the ${side} value of ${where.region} ${where.name}`,
        );
      }
      return { type, value };
    };
    const before = p['before'] as JsonObject;
    return {
      key: String(p['key']),
      ...where,
      before:
        before['exists'] === true
          ? { exists: true, ...valueOf('before', before), version: Number(before['version']) }
          : { exists: false },
      after: valueOf('after', p['after'] as JsonObject),
    };
  });
}
