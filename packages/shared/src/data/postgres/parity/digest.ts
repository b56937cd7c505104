import type pg from 'pg';
import type { RowDigest } from './row-hash.js';

/**
 * Texts whose lengths cover every tail the hash treats apart (0 to 11 bytes past a multiple of 12), some
 * multibyte, so that two servers agreeing on all of them agree on the function, not on one value by luck.
 */
const PROBES = Array.from({ length: 26 }, (_, i) => `dbmig ∑ parity ${'x'.repeat(i)}`);

/** Whole numbers whose halves (the int8 hash folds them) and signs differ, and the ends of each type. */
const BIGINTS = ['0', '-1', '7', '4294967297', '-9223372036854775808', '9223372036854775807'];
const INTEGERS = ['0', '-1', '7', '2147483647', '-2147483648'];
const SMALLINTS = ['0', '-1', '7', '32767', '-32768'];
/** Instants whose microseconds since 2000 fill one half or both. */
const INSTANTS = ['2000-01-01 00:00:00+00', '2000-01-01 01:11:34.967297+00', '2026-03-04 05:06:07.891011+00'];

/**
 * Every hash function the hashtext digest calls (column-digest.ts, row-hash.ts), over the probes. Integer and
 * interval hashes work on values rather than bytes, but are probed all the same: the digest is chosen on
 * what both servers are seen to compute, not on what they should.
 */
async function hashes(client: pg.Client): Promise<string> {
  const result = await client.query<{ h: string }>(
    `SELECT concat_ws(';',
       (SELECT string_agg(concat_ws(':', pg_catalog.hashtextextended(p COLLATE "C", 0),
                                         pg_catalog.hashtextextended(p COLLATE "C", 1),
                                         pg_catalog.hashbpcharextended(p::character(40) COLLATE "C", 2),
                                         pg_catalog.uuid_hash_extended(pg_catalog.md5(p)::uuid, 3)), ',' ORDER BY i)
          FROM unnest($1::text[]) WITH ORDINALITY AS p(p, i)),
       (SELECT string_agg(concat_ws(':', pg_catalog.hashint8extended(n, 4), pg_catalog.hashint8extended(n >> 32, 5),
                                         pg_catalog.hashint8extended(n, -1)), ',' ORDER BY i)
          FROM unnest($2::bigint[]) WITH ORDINALITY AS n(n, i)),
       (SELECT string_agg(pg_catalog.hashint4extended(n, 6)::text, ',' ORDER BY i)
          FROM unnest($3::integer[]) WITH ORDINALITY AS n(n, i)),
       (SELECT string_agg(pg_catalog.hashint2extended(n, 7)::text, ',' ORDER BY i)
          FROM unnest($4::smallint[]) WITH ORDINALITY AS n(n, i)),
       (SELECT string_agg(pg_catalog.interval_hash_extended(t - '2000-01-01 00:00:00+00'::timestamptz, 8)::text,
                          ',' ORDER BY i)
          FROM unnest($5::timestamptz[]) WITH ORDINALITY AS t(t, i))) AS h`,
    [PROBES, BIGINTS, INTEGERS, SMALLINTS, INSTANTS],
  );
  return result.rows[0]!.h;
}

/**
 * The faster digest when both servers compute it alike (the same byte order: Aurora's x86-64 and Graviton
 * are both little-endian), else md5, which every machine computes alike.
 */
export async function chooseDigest(v1: pg.Client, v2: pg.Client): Promise<RowDigest> {
  const [a, b] = await Promise.all([hashes(v1), hashes(v2)]);
  return a === b ? 'hashtext' : 'md5';
}
