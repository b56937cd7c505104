import { Transform, type TransformCallback } from 'node:stream';
import type { CopyFormat } from './types.js';

/**
 * Counts what flows through the pipe between the two COPYs: bytes, and rows as the stream's own framing
 * delimits them, passing every chunk on untouched. The live row count feeds the progress lines while a
 * range loads; at the end it is checked against the row count v2's COPY reports.
 */
export abstract class RowCounter extends Transform {
  rows = 0;
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.scan(chunk);
    callback(null, chunk);
  }

  protected abstract scan(chunk: Buffer): void;
}

/** Text COPY ends every row with a newline and escapes newlines inside values (`\n`): one byte, one row. */
export class TextRowCounter extends RowCounter {
  protected scan(chunk: Buffer): void {
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) this.rows += 1;
  }
}

// Binary COPY: an 11-byte signature, int32 flags, int32 extension length and the extension; then per row an
// int16 field count followed by, per field, an int32 length (-1 for NULL) and that many bytes; an int16 -1
// ends the stream. Only the lengths are read: the values are skipped, never copied.
const SIGNATURE_AND_FLAGS = 11 + 4;
type BinaryState = 'extension-length' | 'field-count' | 'field-length' | 'done';

export class BinaryRowCounter extends RowCounter {
  private state: BinaryState = 'extension-length';
  private skip = SIGNATURE_AND_FLAGS;
  private fieldsLeft = 0;
  /** Bytes of an integer split across two chunks. */
  private partial = Buffer.alloc(4);
  private have = 0;

  protected scan(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && this.state !== 'done') {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      const width = this.state === 'field-count' ? 2 : 4;
      const n = Math.min(width - this.have, chunk.length - at);
      chunk.copy(this.partial, this.have, at, at + n);
      this.have += n;
      at += n;
      if (this.have < width) return;
      this.have = 0;
      this.accept(width === 2 ? this.partial.readInt16BE(0) : this.partial.readInt32BE(0));
    }
  }

  private accept(value: number): void {
    switch (this.state) {
      case 'extension-length':
        this.skip = value;
        this.state = 'field-count';
        return;
      case 'field-count':
        if (value === -1) {
          this.state = 'done';
          return;
        }
        this.rows += 1;
        this.fieldsLeft = value;
        if (value > 0) this.state = 'field-length';
        return;
      case 'field-length':
        if (value > 0) this.skip = value;
        this.fieldsLeft -= 1;
        if (this.fieldsLeft === 0) this.state = 'field-count';
        return;
      case 'done':
        return;
    }
  }
}

export function rowCounter(format: CopyFormat): RowCounter {
  return format === 'binary' ? new BinaryRowCounter() : new TextRowCounter();
}
