import type { PostgresServer } from '../../postgres/index.js';

/**
 * The lab's PostgreSQL servers by host:port. DMS's engine moves data with the endpoints' own
 * credentials, but PostgreSQL 15 lets only a superuser create a subscription: for that one step it
 * uses the server's admin access, which a server given by URL does not offer.
 */
export class DatabaseServerRegistry {
  private readonly byAddress = new Map<string, PostgresServer>();

  register(server: PostgresServer): void {
    this.byAddress.set(address(server.host, server.port), server);
  }

  unregister(server: PostgresServer): void {
    const key = address(server.host, server.port);
    if (this.byAddress.get(key) === server) this.byAddress.delete(key);
  }

  find(host: string, port: number): PostgresServer | undefined {
    return this.byAddress.get(address(host, port));
  }
}

/** `localhost` and `127.0.0.1` are the same loopback server. */
function address(host: string, port: number): string {
  const normal = host.toLowerCase() === 'localhost' ? '127.0.0.1' : host.toLowerCase();
  return `${normal}:${port}`;
}
