import type { JsonObject, LedgerEvent } from '../ledger/event.js';
import { LedgerView } from '../ledger/view.js';
import { checkCutoverAllowed } from './guards.js';

const NOW = new Date('2026-03-02T12:00:00Z');

function event(sequence: number, type: string, hoursAgo: number, data: JsonObject = {}): LedgerEvent {
  return {
    sequence,
    name: `/db-migration/dev/ledger/${String(sequence).padStart(6, '0')}`,
    id: `e${sequence}`,
    type,
    environment: 'dev',
    at: new Date(NOW.getTime() - hoursAgo * 3_600_000),
    run: {},
    approvers: { known: false, reason: 'test' },
    requestIds: [],
    data,
    secure: false,
    secrets: {},
  };
}

const verified = [event(1, 'v2-verified', 2, { healthy: true }), event(2, 'parity-passed', 1)];
const guard = (...events: LedgerEvent[]) =>
  checkCutoverAllowed(new LedgerView('dev', events), { maxAgeHours: 24, now: NOW });

describe('checkCutoverAllowed', () => {
  test('allows a cutover on fresh, passed health and parity, and names them', () => {
    const result = guard(...verified);
    expect(result.ok).toBe(true);
    expect(result.ok && [result.basis.health.sequence, result.basis.parity.sequence]).toEqual([1, 2]);
  });

  test('refuses on a failed health check, a later failed parity, or a stale verdict', () => {
    expect(guard(event(1, 'v2-verified', 2, { healthy: false }), event(2, 'parity-passed', 1))).toMatchObject(
      {
        ok: false,
        reason: expect.stringContaining('health check (event 1'),
      },
    );
    expect(guard(...verified, event(3, 'parity-failed', 0.5))).toMatchObject({
      reason: expect.stringContaining('found differences'),
    });
    expect(guard(event(1, 'v2-verified', 30, { healthy: true }), event(2, 'parity-passed', 1))).toMatchObject(
      {
        reason: expect.stringContaining('older than 24 h'),
      },
    );
  });

  test('refuses when data was copied again after the parity', () => {
    expect(guard(...verified, event(3, 'data-copied', 0.5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('copied again (event 3'),
    });
  });

  test('after a rollback, requires a parity newer than it', () => {
    const rolledBack = [...verified, event(3, 'cutover-started', 0.9), event(4, 'rolled-back', 0.8)];
    expect(guard(...rolledBack)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('rolled back (event 4'),
    });
    expect(guard(...rolledBack, event(5, 'parity-passed', 0.5)).ok).toBe(true);
  });

  test('a completed cutover is a no-op; one that never completed sends the user to the rollback', () => {
    const completed = guard(
      ...verified,
      event(3, 'cutover-started', 0.5),
      event(4, 'cutover-completed', 0.4),
    );
    expect(completed).toMatchObject({ ok: false, alreadyCutOver: expect.objectContaining({ sequence: 4 }) });
    const halfway = guard(...verified, event(3, 'cutover-started', 0.5), event(4, 'parameters-written', 0.4));
    expect(halfway).toMatchObject({
      ok: false,
      reason: expect.stringContaining('did not complete: run the rollback'),
    });
    expect(halfway.ok === false && halfway.alreadyCutOver).toBeUndefined();
    const failed = guard(
      ...verified,
      event(3, 'cutover-started', 0.5),
      event(4, 'cutover-completed', 0.4),
      event(5, 'cutover-failed', 0.3, { reason: 'the bake failed' }),
    );
    expect(failed).toMatchObject({ ok: false, reason: expect.stringContaining('failed (event 5') });
    expect(failed.ok === false && failed.reason).toContain('the bake failed');
  });
});
