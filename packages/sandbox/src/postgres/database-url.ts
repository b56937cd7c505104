/**
 * Database URLs given by the user (`--v1-database-url`, `--v2-database-url`): checked before anything
 * starts, and printed only with the password replaced by `***`.
 */

/** A checked `postgres://` or `postgresql://` URL and its parts, decoded. */
export interface DatabaseUrl {
  /** The URL as given (query parameters such as `sslmode` included), for the client to connect with. */
  readonly url: string;
  /** The same with the password replaced by `***`: the form to print. */
  readonly redacted: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

const SCHEMES = new Set(['postgres:', 'postgresql:']);
const DEFAULT_PORT = 5432;
const EXPECTED = 'expected postgresql://user:password@host:port/database';
/** Shown in place of a URL that cannot be parsed, so cannot be redacted. */
const UNPARSEABLE = '(not shown: it is not a URL, and may hold a password)';
const AMBIGUOUS = '(not shown: its password cannot be told apart from the rest, so it may be exposed)';

/**
 * `url` with its password (in the user part or a `password` query parameter) replaced by `***`. A text
 * that is not a postgres URL, or whose `@` the URL parser did not read as the end of the user part (an
 * unencoded `@` or `/` in the password), is not shown at all: what looks like a host or path there may
 * be a piece of the password.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return UNPARSEABLE;
  }
  if (!SCHEMES.has(parsed.protocol))
    return `(not shown: a ${parsed.protocol} URL, which may hold a password)`;
  const hasUserPart = parsed.username !== '' || parsed.password !== '';
  if ((url.match(/@/g) ?? []).length !== (hasUserPart ? 1 : 0)) return AMBIGUOUS;
  if (parsed.password !== '') parsed.password = '***';
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
  return parsed.href;
}

/**
 * Checks a PostgreSQL URL given through `flag` and returns its parts. Every refusal names the flag and
 * shows the URL redacted, never its password.
 */
export function parseDatabaseUrl(text: string, flag: string): DatabaseUrl {
  let parsed: URL;
  try {
    parsed = new URL(text.trim());
  } catch {
    throw new Error(`${flag} is not a valid URL ${UNPARSEABLE}: ${EXPECTED}`);
  }
  const redacted = redactUrl(text.trim());
  const refuse = (what: string): never => {
    throw new Error(`${flag} ${what}: ${EXPECTED} (got ${redacted})`);
  };
  if (!SCHEMES.has(parsed.protocol)) refuse('must start with postgres:// or postgresql://');
  const decode = (part: string, name: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return refuse(`has a badly percent-encoded ${name}`);
    }
  };
  // An IPv6 address keeps its brackets in `hostname`; the endpoint is the bare address.
  const host = decode(parsed.hostname.replace(/^\[(.*)\]$/, '$1'), 'host');
  const user = decode(parsed.username, 'user');
  // libpq also takes the password as a query parameter.
  const password = decode(parsed.password, 'password') || (parsed.searchParams.get('password') ?? '');
  const database = decode(parsed.pathname.replace(/^\//, ''), 'database name');
  if (host === '') refuse('has no host');
  // libpq reads a host starting with `/` as a Unix socket directory; a cluster endpoint is a host name.
  if (host.includes('/')) refuse('names a Unix socket, not a host');
  if (user === '') refuse('has no user');
  if (password === '') refuse('has no password');
  if (database === '') refuse('has no database name');
  if (database.includes('/')) refuse('has a path after the database name');
  const port = parsed.port === '' ? DEFAULT_PORT : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) refuse('has a port outside 1-65535');
  return { url: text.trim(), redacted, host, port, user, password, database };
}
