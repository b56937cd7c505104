import type { AttributeMap } from '../../data/dynamodb/attribute-json.js';
import { canonicalItem } from '../../data/dynamodb/canonical.js';
import type { StreamChange } from './reader.js';

/** What v2 must be given for one key: its last image (none: deleted), and what it was before the first change. */
export interface KeyChange {
  keys: AttributeMap;
  /** The item after the last change read; undefined when the last change removed it. */
  item?: AttributeMap;
  /** The item before the first change read (undefined: it did not exist, or the stream has no old images). */
  before?: AttributeMap;
  /** When v1 took the first change read and not yet applied. */
  firstAt: Date;
}

/**
 * The changes read and not yet applied, one entry per key: only a key's last image matters to v2, since
 * each image is the whole item, so a key changed a thousand times during the scan costs one write.
 * Memory grows with the keys changed, not with the writes. The changes themselves are kept only as far
 * as the positions need them (the last of each shard).
 */
export class PendingChanges {
  private readonly byKey = new Map<string, KeyChange>();
  private readonly read: StreamChange[] = [];

  add(changes: readonly StreamChange[]): void {
    for (const change of changes) {
      const id = canonicalItem(change.keys);
      const known = this.byKey.get(id);
      const entry: KeyChange = known ?? {
        keys: change.keys,
        firstAt: change.at,
        ...(change.oldImage ? { before: change.oldImage } : {}),
      };
      if (change.newImage) entry.item = change.newImage;
      else delete entry.item;
      this.byKey.set(id, entry);
      this.read.push(change);
    }
    // Only the last change of each shard moves a position: keep those.
    if (this.read.length > 10_000) this.compact();
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The oldest change not yet applied, if any (the lag is its age). */
  oldest(): Date | undefined {
    let oldest: Date | undefined;
    for (const entry of this.byKey.values()) if (!oldest || entry.firstAt < oldest) oldest = entry.firstAt;
    return oldest;
  }

  /** Takes everything pending: the key changes to apply, and the changes that move the positions. */
  take(): { keys: KeyChange[]; changes: StreamChange[] } {
    const taken = { keys: [...this.byKey.values()], changes: this.lastOfEachShard() };
    this.byKey.clear();
    this.read.length = 0;
    return taken;
  }

  private compact(): void {
    const last = this.lastOfEachShard();
    this.read.length = 0;
    this.read.push(...last);
  }

  private lastOfEachShard(): StreamChange[] {
    const last = new Map<string, StreamChange>();
    for (const change of this.read) last.set(change.shardId, change);
    return [...last.values()];
  }
}
