import { toJsonMap, type AttributeMap } from './attribute-json.js';
import type { SegmentPosition } from './checkpoint.js';

/** A page read from a segment, until all its batches are written. */
export interface PendingPage {
  batches: number;
  /** The page's LastEvaluatedKey; undefined on the segment's last page. */
  next: AttributeMap | undefined;
}

/**
 * Which pages of one Scan segment are written. Pages are written concurrently and finish out of order,
 * so the segment's position moves only over the unbroken run of fully written pages at its front: a
 * resume from it can never skip an item, only re-write some.
 */
export class SegmentProgress {
  private readonly pages: PendingPage[] = [];

  constructor(public position: SegmentPosition) {}

  get done(): boolean {
    return this.position === 'done';
  }

  /** Records a page just read, with the number of batches it was split into. */
  addPage(batches: number, next: AttributeMap | undefined): PendingPage {
    const page = { batches, next };
    this.pages.push(page);
    this.advance();
    return page;
  }

  /** One batch of `page` is written; true when the position moved. */
  batchWritten(page: PendingPage): boolean {
    page.batches--;
    return this.advance();
  }

  private advance(): boolean {
    let moved = false;
    while (this.pages.length > 0 && this.pages[0]!.batches === 0) {
      const page = this.pages.shift()!;
      this.position = page.next === undefined ? 'done' : toJsonMap(page.next);
      moved = true;
    }
    return moved;
  }
}
