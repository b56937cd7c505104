import { foreignKeyLevels } from './foreign-keys.js';

describe('foreignKeyLevels', () => {
  it('puts every table after those it references; self references and unknown tables do not count', () => {
    const levels = foreignKeyLevels(
      ['a.customers', 'a.payments', 'a.refunds', 'a.tree', 'a.alone'],
      [
        { from: 'a.payments', to: 'a.customers' },
        { from: 'a.refunds', to: 'a.payments' },
        { from: 'a.refunds', to: 'a.customers' },
        { from: 'a.tree', to: 'a.tree' },
        { from: 'a.events_2025', to: 'a.events' }, // a partitioned parent, not loaded itself
      ],
    );
    expect(Object.fromEntries(levels.level)).toEqual({
      'a.customers': 0,
      'a.payments': 1,
      'a.refunds': 2,
      'a.tree': 0,
      'a.alone': 0,
    });
    expect([...levels.selfReferencing]).toEqual(['a.tree']);
    expect([...levels.related].sort()).toEqual(['a.customers', 'a.payments', 'a.refunds']);
    expect(levels.cycles).toEqual([]);
  });

  it('finds a cycle, which no order loads', () => {
    const levels = foreignKeyLevels(
      ['s.a', 's.b', 's.c'],
      [
        { from: 's.a', to: 's.b' },
        { from: 's.b', to: 's.c' },
        { from: 's.c', to: 's.a' },
      ],
    );
    expect(levels.cycles).toEqual([['s.a', 's.b', 's.c']]);
  });
});
