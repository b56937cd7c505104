import { describeKey, fromJsonMap, toJsonMap, type AttributeMap } from './attribute-json.js';
import { canonicalItem, canonicalNumber } from './canonical.js';

describe('canonicalNumber', () => {
  test.each([
    ['1', '1'],
    ['1.0', '1'],
    ['01.500', '1.5'],
    ['+7', '7'],
    ['-0', '0'],
    ['-0.000', '0'],
    ['1e3', '1000'],
    ['1.5E-3', '0.0015'],
    ['-12.34e1', '-123.4'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['1.2345678901234567890123456789012345678', '1.2345678901234567890123456789012345678'],
    [
      '9.9999999999999999999999999999999999999E+125',
      `99999999999999999999999999999999999999${'0'.repeat(88)}`,
    ],
    ['1E-130', `0.${'0'.repeat(129)}1`],
  ])('%s → %s (as DynamoDB and dynalite answer it)', (text, canonical) => {
    expect(canonicalNumber(text)).toBe(canonical);
  });

  test('keeps a text that is no number unchanged, so that it compares exactly', () => {
    for (const text of ['', 'abc', '1.2.3', 'NaN', '1e', '1e9999999'])
      expect(canonicalNumber(text)).toBe(text);
  });
});

describe('canonicalItem', () => {
  const item: AttributeMap = {
    pk: { S: 'a' },
    ss: { SS: ['b', 'a'] },
    ns: { NS: ['10', '2', '1.0'] },
    bs: { BS: [new Uint8Array([2]), new Uint8Array([1])] },
    m: { M: { z: { N: '1' }, a: { L: [{ S: 'x' }, { N: '2' }] } } },
  };

  test('ignores the order of set members and map keys, and how a number was written', () => {
    const same: AttributeMap = {
      m: { M: { a: { L: [{ S: 'x' }, { N: '2.00' }] }, z: { N: '1' } } },
      bs: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
      ns: { NS: ['1', '10', '2'] },
      ss: { SS: ['a', 'b'] },
      pk: { S: 'a' },
    };
    expect(canonicalItem(same)).toBe(canonicalItem(item));
  });

  test.each<[string, AttributeMap]>([
    ['list order', { ...item, m: { M: { z: { N: '1' }, a: { L: [{ N: '2' }, { S: 'x' }] } } } }],
    ['a string where a number was', { ...item, pk: { N: '1' } }],
    ['"1" as S instead of N', { ...item, m: { M: { z: { S: '1' }, a: item['m']!.M!['a']! } } }],
    ['binary instead of a string', { ...item, pk: { B: new Uint8Array([97]) } }],
    ['a string set instead of a list', { ...item, ss: { L: [{ S: 'a' }, { S: 'b' }] } }],
    ['a trailing space', { ...item, pk: { S: 'a ' } }],
    ['one more attribute', { ...item, extra: { NULL: true } }],
    ['a 38th digit', { ...item, ns: { NS: ['10', '2', '1.0000000000000000000000000000000000001'] } }],
  ])('tells apart %s', (_, other) => {
    expect(canonicalItem(other)).not.toBe(canonicalItem(item));
  });

  test('cannot be fooled by a string that looks like the encoding', () => {
    const a: AttributeMap = { x: { S: 'a",y:Sb' } };
    const b: AttributeMap = { x: { S: 'a' }, y: { S: 'b' } };
    expect(canonicalItem(a)).not.toBe(canonicalItem(b));
  });
});

describe('JSON AttributeValues', () => {
  test('round-trip every type losslessly, binary as base64', () => {
    const item: AttributeMap = {
      s: { S: 'ü' },
      n: { N: '12345678901234567890123456789012345678' },
      b: { B: new Uint8Array([0, 255, 1]) },
      ss: { SS: ['a'] },
      ns: { NS: ['1'] },
      bs: { BS: [new Uint8Array([9])] },
      m: { M: { l: { L: [{ NULL: true }, { BOOL: false }] } } },
    };
    const json = toJsonMap(item);
    expect(json['b']).toEqual({ B: 'AP8B' });
    expect(fromJsonMap(JSON.parse(JSON.stringify(json)))).toEqual(item);
  });

  test('describeKey reads like the key', () => {
    expect(describeKey({ sk: { N: '42' }, pk: { S: 'user-1' } })).toBe('pk=S:"user-1", sk=N:42');
    expect(describeKey({ id: { B: new Uint8Array([1, 2]) } })).toBe('id=B:"AQI="');
  });
});
