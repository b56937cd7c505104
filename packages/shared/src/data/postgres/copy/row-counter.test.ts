import { BinaryRowCounter, TextRowCounter, type RowCounter } from './row-counter.js';

const int16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const field = (value: Buffer | null): Buffer =>
  value === null ? int32(-1) : Buffer.concat([int32(value.length), value]);

/** A binary COPY stream as the server writes it, with a header extension to skip. */
function binaryCopy(rows: Array<Array<Buffer | null>>): Buffer {
  const header = Buffer.concat([
    Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
    int32(0),
    int32(3),
    Buffer.from('ext'),
  ]);
  const tuples = rows.map((row) => Buffer.concat([int16(row.length), ...row.map(field)]));
  return Buffer.concat([header, ...tuples, int16(-1)]);
}

async function feed(counter: RowCounter, chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  counter.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => counter.on('end', resolve));
  for (const chunk of chunks) counter.write(chunk);
  counter.end();
  await done;
  return Buffer.concat(out);
}

describe('BinaryRowCounter', () => {
  // Values that look like framing: a length-like int, 0xffff (the trailer's -1), an empty value.
  const rows = [
    [Buffer.from([0, 2, 0, 0]), null, Buffer.from('text with \n')],
    [Buffer.from([0xff, 0xff]), Buffer.alloc(0), null],
    [],
    [Buffer.alloc(70_000, 7), null, Buffer.from('x')],
  ];
  const stream = binaryCopy(rows);

  it('counts rows and bytes whole, and passes the stream on unchanged', async () => {
    const counter = new BinaryRowCounter();
    expect(await feed(counter, [stream])).toEqual(stream);
    expect(counter.rows).toBe(4);
    expect(counter.bytes).toBe(stream.length);
  });

  it('counts the same whichever byte boundaries the chunks fall on', async () => {
    for (const size of [1, 2, 3, 5, 7, 4096]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
      const counter = new BinaryRowCounter();
      await feed(counter, chunks);
      expect([size, counter.rows]).toEqual([size, 4]);
    }
  });
});

describe('TextRowCounter', () => {
  it('counts one row per newline; newlines inside values are escaped by COPY', async () => {
    const counter = new TextRowCounter();
    await feed(counter, [Buffer.from('1\tline\\nbreak\n2\t\\N\n'), Buffer.from('3\t\n')]);
    expect(counter.rows).toBe(3);
  });
});
