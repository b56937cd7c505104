import type { SSMClient } from '@aws-sdk/client-ssm';
import { readRunContext, runToken } from '../github/run-context.js';
import type { Check } from '../report/index.js';
import type { JsonObject, LedgerEvent, LedgerEventDraft } from './event.js';
import { Ledger } from './ledger.js';
import { describeEvent } from './describe.js';

/** Tables listed one by one in an event; beyond this, counts only (an event stays well under SSM's limits). */
const MAX_TABLES_LISTED = 500;

/**
 * What a phase records of its outcome, for the guards of later phases (cutover reads the parity verdict and
 * its time; rollback reads the row counts it proved). One event per outcome, with an id made from the run
 * attempt, so that re-running the same attempt records once.
 */
export async function recordVerdicts(
  options: { ssm: SSMClient; environment: string; action: string; log: (line: string) => void },
  drafts: LedgerEventDraft[],
): Promise<LedgerEvent[]> {
  if (drafts.length === 0) return [];
  const ledger = new Ledger({ ssm: options.ssm, environment: options.environment, log: options.log });
  const token = runToken(readRunContext());
  const recorded: LedgerEvent[] = [];
  for (const draft of drafts) {
    const event = await ledger.append({ ...draft, id: `${options.action}:${token}:${draft.type}` });
    options.log(`Recorded in the ledger: ${describeEvent(event)}`);
    recorded.push(event);
  }
  return recorded;
}

/** The checks of a verdict as the ledger keeps them: id, resource and status (details stay in the summary). */
export function checksOf(checks: readonly Check[]): JsonObject[] {
  return checks.slice(0, MAX_TABLES_LISTED).map((c) => ({
    id: c.id,
    status: c.status,
    ...(c.resource ? { resource: c.resource } : {}),
    ...(c.region ? { region: c.region } : {}),
  }));
}

export { MAX_TABLES_LISTED };
