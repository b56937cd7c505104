import { MAX_VALUE_BYTES, decodeHead, decodeParts, encodeEvent, type EventDocument } from './codec.js';

function documentWith(data: EventDocument['data'], secrets?: Record<string, string>): EventDocument {
  return {
    v: 1,
    id: 'event-1',
    type: 'cutover-started',
    environment: 'dev',
    run: { id: '1', attempt: 1 },
    approvers: { known: false, reason: 'test' },
    requestIds: [],
    data,
    ...(secrets ? { secrets } : {}),
  };
}

describe('encodeEvent and decoding', () => {
  test('an event that fits is its own head', () => {
    const document = documentWith({ healthy: true });
    const encoded = encodeEvent(document);
    expect(encoded.parts).toEqual([]);
    expect(decodeHead(encoded.head)).toEqual({ document });
  });

  test('a long event is cut into parts of at most 4 KB, never inside a character, and joins back exactly', () => {
    // Two-, three- and four-byte characters around every cut.
    const document = documentWith({ text: 'é€😀a'.repeat(3000) });
    const encoded = encodeEvent(document);
    expect(encoded.parts.length).toBeGreaterThan(3);
    for (const part of encoded.parts)
      expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(MAX_VALUE_BYTES);
    expect(Buffer.byteLength(encoded.head, 'utf8')).toBeLessThanOrEqual(MAX_VALUE_BYTES);
    const head = decodeHead(encoded.head);
    if (!('parts' in head)) throw new Error('expected a parts head');
    expect(decodeParts(head.parts, encoded.parts)).toEqual(document);
  });

  test('parts that do not match the head are refused', () => {
    const encoded = encodeEvent(documentWith({ text: 'x'.repeat(9000) }));
    const head = decodeHead(encoded.head);
    if (!('parts' in head)) throw new Error('expected a parts head');
    const tampered = [...encoded.parts];
    tampered[1] = tampered[1]!.replace('x', 'y');
    expect(() => decodeParts(head.parts, tampered)).toThrow(/digest differs/);
  });

  test('a bad value is described by field, never quoted', () => {
    expect(() => decodeHead('{"secrets": {"a": "hunter2"')).toThrow(/^its value is not JSON$/);
    let message = '';
    try {
      decodeHead(JSON.stringify({ ...documentWith({}), v: 2, secrets: { a: 'hunter2', b: 7 } }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/v must be 1; secrets\.b must be a string/);
    expect(message).not.toContain('hunter2');
  });
});
