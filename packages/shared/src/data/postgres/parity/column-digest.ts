import type { ColumnInfo } from '../catalog.js';
import type { BinaryForm } from './column-forms.js';

/** text and varchar render as themselves: no output function to call. */
function rendersAsItself(type: string): boolean {
  return type === 'text' || /^character varying(\(\d+\))?$/.test(type);
}

/**
 * The hash of a non-NULL value's rendering: the type's output function, as the record output calls it; by
 * cast where the cast is that function (text-casts.ts), else by concat(), which always calls it (a cast of
 * its own would not: it drops a char(n)'s padding, an inet's /32, and spells booleans out).
 */
function renderedHash(c: ColumnInfo, ref: string, seed: number, castThroughOutput: ReadonlySet<string>) {
  const text = castThroughOutput.has(c.type) ? `${ref}::text` : `pg_catalog.concat(${ref})`;
  return `pg_catalog.hashtextextended(${text} COLLATE "C", ${seed})`;
}

/**
 * A timestamp as a count n of microseconds since 2000-01-01 00:00 UTC, PostgreSQL's own epoch. The hash of
 * the interval `ref - epoch` is that of n folded to 32 bits (high half XOR low half); date_bin to 2^32 µs
 * gives the high half alone, whose interval hashes apart; the two together determine n. Only for n ≥ 0 and
 * finite: a negative count folds onto a positive one (so 1999 would meet 2000), and ±infinity has no
 * interval on PostgreSQL 15; those values are rendered, as every value of any other type is. NULL fails the
 * first test and is caught by the second.
 */
function timestampDigest(
  c: ColumnInfo,
  ref: string,
  seed: number,
  ifNull: number,
  castThroughOutput: ReadonlySet<string>,
) {
  const withZone = c.type.endsWith('with time zone');
  const epoch = `'2000-01-01 00:00:00${withZone ? '+00' : ''}'::timestamp with${withZone ? '' : 'out'} time zone`;
  return (
    `CASE WHEN ${ref} >= ${epoch} AND pg_catalog.isfinite(${ref}) THEN ` +
    `pg_catalog.interval_hash_extended(${ref} - ${epoch}, ${seed}) # ` +
    `pg_catalog.interval_hash_extended(pg_catalog.date_bin('4294967296 microseconds'::interval, ${ref}, ${epoch}) - ${epoch}, ${seed + 1}) ` +
    `WHEN ${ref} IS NULL THEN ${ifNull} ELSE ${renderedHash(c, ref, seed, castThroughOutput)} END`
  );
}

/**
 * One column's 64-bit hash in a row (`ref` is the column as the query names it), seeded by its place (two
 * seeds per place) so that a value moved to another column changes it; NULL is a constant of the place's
 * own, so that NULL is not ''. "C": a nondeterministic collation would hash a sort key instead of the bytes.
 */
export function columnDigest(
  c: ColumnInfo,
  ref: string,
  place: number,
  form: BinaryForm | undefined,
  castThroughOutput: ReadonlySet<string>,
): string {
  const seed = 2 * place;
  const ifNull = -(place + 1);
  const strict = (hash: string) => `coalesce(${hash}, ${ifNull})`;
  switch (form) {
    case 'int4':
      // The type's own hash: int2, int4 (and int8) hash a number alike, so a smallint side meets an integer one.
      return strict(
        `pg_catalog.${c.type === 'smallint' ? 'hashint2extended' : 'hashint4extended'}(${ref}, ${seed})`,
      );
    case 'int8':
      // hashint8extended folds the 64 bits to 32 (high XOR low) before hashing, so that 0 and 4294967297
      // would hash alike; the high half hashed apart makes the pair one-to-one with the number again.
      return strict(
        `pg_catalog.hashint8extended(${ref}::bigint, ${seed}) # pg_catalog.hashint8extended(${ref}::bigint >> 32, ${seed + 1})`,
      );
    case 'boolean':
      return strict(`pg_catalog.hashint4extended(${ref}::integer, ${seed})`);
    case 'uuid':
      return strict(`pg_catalog.uuid_hash_extended(${ref}, ${seed})`);
    case 'bpchar':
      return strict(`pg_catalog.hashbpcharextended(${ref} COLLATE "C", ${seed})`);
    case 'timestamp':
      return timestampDigest(c, ref, seed, ifNull, castThroughOutput);
    case undefined:
      if (rendersAsItself(c.type)) return strict(`pg_catalog.hashtextextended(${ref} COLLATE "C", ${seed})`);
      // Strict when cast; concat() makes '' of NULL, so NULL is tested first either way.
      return `CASE WHEN ${ref} IS NULL THEN ${ifNull} ELSE ${renderedHash(c, ref, seed, castThroughOutput)} END`;
  }
}
