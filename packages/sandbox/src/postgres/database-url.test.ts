import { parseDatabaseUrl, redactUrl } from './database-url.js';

const FLAG = '--v1-database-url';
const SECRET = 's3cr3t-Pa55';

describe('parseDatabaseUrl', () => {
  test('takes host, port, user, password and database from a postgresql:// or postgres:// URL', () => {
    expect(
      parseDatabaseUrl(`postgresql://app:${SECRET}@db.internal:6543/payments?sslmode=require`, FLAG),
    ).toEqual({
      url: `postgresql://app:${SECRET}@db.internal:6543/payments?sslmode=require`,
      redacted: 'postgresql://app:***@db.internal:6543/payments?sslmode=require',
      host: 'db.internal',
      port: 6543,
      user: 'app',
      password: SECRET,
      database: 'payments',
    });
    expect(parseDatabaseUrl(`postgres://app:${SECRET}@10.0.0.5/paymentsdb`, FLAG)).toMatchObject({
      host: '10.0.0.5',
      port: 5432, // libpq's default
    });
  });

  test('takes a password given as a query parameter, as libpq does', () => {
    expect(parseDatabaseUrl(`postgresql://app@h/db?password=${SECRET}`, FLAG)).toMatchObject({
      password: SECRET,
      redacted: 'postgresql://app@h/db?password=***',
    });
  });

  test('decodes percent-encoded parts and unwraps an IPv6 host', () => {
    expect(parseDatabaseUrl('postgresql://us%40er:p%40ss%3Aw%2Frd@[::1]:5433/my%20db', FLAG)).toMatchObject({
      host: '::1',
      user: 'us@er',
      password: 'p@ss:w/rd',
      database: 'my db',
      redacted: 'postgresql://us%40er:***@[::1]:5433/my%20db',
    });
  });

  test.each([
    ['http://app:PW@host/db', 'must start with postgres:// or postgresql://'],
    ['postgresql:///db', 'has no host'],
    ['postgresql://app:PW@%2Fvar%2Frun%2Fpostgresql/db', 'names a Unix socket, not a host'],
    ['postgresql://:PW@host/db', 'has no user'],
    ['postgresql://app@host/db', 'has no password'],
    ['postgresql://app:PW@host', 'has no database name'],
    ['postgresql://app:PW@host/', 'has no database name'],
    ['postgresql://app:PW@host/db/extra', 'has a path after the database name'],
    ['postgresql://app:PW@host:0/db', 'has a port outside 1-65535'],
    ['postgresql://app:%E0%A4%A@host/db', 'has a badly percent-encoded password'],
  ])('refuses %s, naming the flag, without the password', (url, problem) => {
    const password = /:([^:@/]*)@/.exec(url)?.[1] ?? 'PW';
    let message = '';
    try {
      parseDatabaseUrl(url, FLAG);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`${FLAG} ${problem}`);
    expect(message).toContain('expected postgresql://user:password@host:port/database');
    if (password !== '') expect(message).not.toContain(password);
  });

  test('never echoes a text whose password it cannot tell apart (it may be all password)', () => {
    for (const text of [
      `app:${SECRET}@host:notaport/db`, // parses as a URL of scheme app:, the password in its path
      `postgresql://app:${SECRET}@host:99999/db`, // not a URL
      `postgresql://app:1234/${SECRET}@host/db`, // an unencoded / in the password: read as host app, port 1234
    ]) {
      let message = '';
      try {
        parseDatabaseUrl(text, FLAG);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^--v1-database-url /);
      expect(message).not.toContain(SECRET);
    }
  });
});

describe('redactUrl', () => {
  test('does not show a URL whose password holds an unencoded @ (where it ends is a guess)', () => {
    const parsed = parseDatabaseUrl(`postgresql://app:${SECRET}@x@host/db`, FLAG);
    expect(parsed).toMatchObject({ host: 'host', password: `${SECRET}@x` });
    expect(parsed.redacted).toMatch(/^\(not shown/);
  });

  test('replaces the password only, and shows nothing of a text it cannot parse', () => {
    expect(redactUrl(`postgresql://app:${SECRET}@h:5432/db?sslmode=verify-full`)).toBe(
      'postgresql://app:***@h:5432/db?sslmode=verify-full',
    );
    expect(redactUrl('postgresql://app@h/db')).toBe('postgresql://app@h/db');
    expect(redactUrl(`not a url ${SECRET}`)).not.toContain(SECRET);
    expect(redactUrl(`postgresql://app@h/db?sslmode=require&password=${SECRET}`)).toBe(
      'postgresql://app@h/db?sslmode=require&password=***',
    );
  });
});
