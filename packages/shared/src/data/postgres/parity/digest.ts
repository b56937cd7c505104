import type pg from 'pg';
import type { RowDigest } from './row-hash.js';

/**
 * Texts whose lengths cover every tail the hash treats apart (0 to 11 bytes past a multiple of 12), some
 * multibyte, so that two servers agreeing on all of them agree on the function, not on one value by luck.
 */
const PROBES = Array.from({ length: 26 }, (_, i) => `dbmig ∑ parity ${'x'.repeat(i)}`);

async function hashes(client: pg.Client): Promise<string> {
  const result = await client.query<{ h: string }>(
    `SELECT string_agg(pg_catalog.hashtextextended(p COLLATE "C", 0)::text || ':' ||
                       pg_catalog.hashtextextended(p COLLATE "C", 1)::text, ',' ORDER BY i) AS h
       FROM unnest($1::text[]) WITH ORDINALITY AS p(p, i)`,
    [PROBES],
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
