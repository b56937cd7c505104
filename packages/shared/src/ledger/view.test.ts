import type { LedgerEvent } from './event.js';
import { LedgerView } from './view.js';

function event(sequence: number, type: string, at: string): LedgerEvent {
  return {
    sequence,
    name: `/db-migration/dev/ledger/${String(sequence).padStart(6, '0')}`,
    id: `e${sequence}`,
    type,
    environment: 'dev',
    at: new Date(at),
    run: {},
    approvers: { known: false, reason: 'test' },
    requestIds: [],
    data: {},
    secure: false,
    secrets: {},
  };
}

// Given out of order, as a listing may return them.
const view = new LedgerView('dev', [
  event(3, 'parity-failed', '2026-03-01T12:00:00Z'),
  event(1, 'v2-verified', '2026-03-01T10:00:00Z'),
  event(4, 'parity-passed', '2026-03-01T13:00:00Z'),
  event(2, 'data-copied', '2026-03-01T11:00:00Z'),
]);

describe('LedgerView', () => {
  test('holds the events in sequence order; the next append takes one past the highest', () => {
    expect(view.events.map((e) => e.sequence)).toEqual([1, 2, 3, 4]);
    expect(view.last?.sequence).toBe(4);
    expect(view.nextSequence).toBe(5);
    expect(new LedgerView('dev', []).nextSequence).toBe(1);
    // A gap (a deleted event) is never filled.
    expect(new LedgerView('dev', [event(7, 'x', '2026-01-01T00:00:00Z')]).nextSequence).toBe(8);
  });

  test('latest of one type or of several: the verdict that stands', () => {
    expect(view.latest('v2-verified')?.sequence).toBe(1);
    expect(view.latest(['parity-passed', 'parity-failed'])?.type).toBe('parity-passed');
    expect(view.latest('cutover-started')).toBeUndefined();
    expect(view.ofType(['parity-failed', 'v2-verified']).map((e) => e.sequence)).toEqual([1, 3]);
  });

  test('since an event is what came after it; since a time is what AWS recorded at or after it', () => {
    expect(view.since(view.bySequence(2)!).map((e) => e.sequence)).toEqual([3, 4]);
    expect(view.since(view.bySequence(2)!, 'parity-passed').map((e) => e.sequence)).toEqual([4]);
    expect(view.since(new Date('2026-03-01T12:00:00Z')).map((e) => e.sequence)).toEqual([3, 4]);
    expect(view.since(new Date('2026-03-02T00:00:00Z'))).toEqual([]);
  });

  test('with() adds an event once, in its place', () => {
    const more = view.with(event(5, 'cutover-started', '2026-03-01T14:00:00Z'));
    expect(more.events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(more.with(event(5, 'cutover-started', '2026-03-01T14:00:00Z')).events).toHaveLength(5);
    expect(view.events).toHaveLength(4);
    expect(view.byId('e3')?.type).toBe('parity-failed');
  });
});
