import pg from 'pg';

/**
 * Puts `$n` parameters into SQL as quoted literals. COPY takes no bind parameters, so the range predicate
 * (written with parameters, shared with the parity) is inlined here. Only `$n` outside quoted identifiers
 * and string literals is replaced: a column may well be named "$1".
 */
export function inlineParams(sql: string, params: readonly string[]): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '"' || c === "'") {
      // A quoted span ends at the next lone quote; a doubled quote is an escaped one.
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j += 1;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const param = c === '$' ? /^\$(\d+)/.exec(sql.slice(i)) : null;
    if (param) {
      const value = params[Number(param[1]) - 1];
      if (value === undefined) throw new Error(`inlineParams: no value for ${param[0]} in ${sql}`);
      out += pg.escapeLiteral(value);
      i += param[0].length;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}
