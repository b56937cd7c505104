import type { LedgerEvent, LedgerEventType } from './event.js';

type Types = LedgerEventType | readonly LedgerEventType[];

/**
 * The ledger of one environment as read at one moment: every event in order, and the questions a
 * guard asks of it. Immutable, so that an `expect` predicate and the append it guards see one state.
 */
export class LedgerView {
  readonly environment: string;
  /** Oldest first, by sequence number. */
  readonly events: readonly LedgerEvent[];

  constructor(environment: string, events: readonly LedgerEvent[]) {
    this.environment = environment;
    this.events = [...events].sort((a, b) => a.sequence - b.sequence);
  }

  get last(): LedgerEvent | undefined {
    return this.events.at(-1);
  }

  /** The number the next append takes: one past the highest, so a deleted event's number is never reused. */
  get nextSequence(): number {
    return (this.last?.sequence ?? 0) + 1;
  }

  /** Every event of the type (or of any of the types), oldest first. */
  ofType(types: Types): LedgerEvent[] {
    const wanted = typeSet(types);
    return this.events.filter((event) => wanted.has(event.type));
  }

  /**
   * The newest event of the type, or of any of the types: `latest(['parity-passed', 'parity-failed'])`
   * is the parity verdict that stands.
   */
  latest(types: Types): LedgerEvent | undefined {
    const wanted = typeSet(types);
    for (let i = this.events.length - 1; i >= 0; i -= 1) {
      const event = this.events[i]!;
      if (wanted.has(event.type)) return event;
    }
    return undefined;
  }

  /**
   * The events after a point, oldest first, optionally of some types only. After an event: the ones
   * appended later (by sequence). After a time: the ones whose AWS-side time is at or after it, for a
   * freshness window measured on AWS's clock.
   */
  since(point: LedgerEvent | Date, types?: Types): LedgerEvent[] {
    const after =
      point instanceof Date
        ? this.events.filter((event) => event.at.getTime() >= point.getTime())
        : this.events.filter((event) => event.sequence > point.sequence);
    if (types === undefined) return after;
    const wanted = typeSet(types);
    return after.filter((event) => wanted.has(event.type));
  }

  byId(id: string): LedgerEvent | undefined {
    return this.events.find((event) => event.id === id);
  }

  bySequence(sequence: number): LedgerEvent | undefined {
    return this.events.find((event) => event.sequence === sequence);
  }

  /** This view with one more event (one read directly while a listing had not caught up with it). */
  with(event: LedgerEvent): LedgerView {
    if (this.bySequence(event.sequence)) return this;
    return new LedgerView(this.environment, [...this.events, event]);
  }
}

function typeSet(types: Types): Set<string> {
  return new Set<string>(typeof types === 'string' ? [types] : types);
}
