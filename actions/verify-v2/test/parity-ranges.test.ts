import { InputError } from '@dbmig/shared';
import { parityRangesInput } from '../src/inputs.js';

describe('parityRangesInput', () => {
  it('reads one count for every table, or counts by table', () => {
    expect(parityRangesInput(undefined)).toEqual({});
    expect(parityRangesInput('16')).toEqual({ parityRanges: 16 });
    expect(parityRangesInput('public.payments=32, refunds=4,')).toEqual({
      parityRanges: { 'public.payments': 32, refunds: 4 },
    });
  });

  it.each(['0', '1025', 'x=0', 'payments', 'a.b.c=2', '=4', ','])('refuses %p, naming the input', (raw) => {
    expect(() => parityRangesInput(raw)).toThrow(InputError);
    expect(() => parityRangesInput(raw)).toThrow(/^Input 'parity-ranges': must be/);
  });
});
