import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { ACCOUNT_ID } from '../../world/types.js';

/**
 * One embedded dynalite per region, started on the first request for that region, so that a table
 * created in us-east-1 does not exist in us-east-2 (DynamoDB tables are regional; only the overlay
 * in the World makes them "global").
 */
export class RegionalDynalites {
  private readonly servers = new Map<string, Promise<{ server: Server; port: number }>>();
  private closed = false;

  /** The port of the region's dynalite, starting it if this is the region's first request. */
  async port(region: string): Promise<number> {
    if (this.closed) throw new Error('sandbox: the DynamoDB service is closed');
    let started = this.servers.get(region);
    if (!started) {
      // Concurrent first requests for a region share one start.
      started = start(region);
      this.servers.set(region, started);
    }
    return (await started).port;
  }

  async close(): Promise<void> {
    this.closed = true;
    const starts = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(
      starts.map(async (starting) => {
        const { server } = await starting.catch(() => ({ server: undefined }));
        if (!server) return;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive sockets from the forwarding agent would hold close() open.
          server.closeAllConnections();
        });
      }),
    );
  }
}

function start(region: string): Promise<{ server: Server; port: number }> {
  const server = withDynaliteEnv(region, () =>
    dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
  );
  // The sandbox's keep-alive agent reuses idle sockets; with Node's default 5 s keepAliveTimeout dynalite
  // may close one just as a request goes out on it ("socket hang up"). Idle sockets stay open instead;
  // close() ends them.
  server.keepAliveTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}

/**
 * dynalite reads the region and account of its TableArn from AWS_REGION / AWS_ACCOUNT_ID once, when
 * its store is created (synchronously, inside `dynalite()`). Setting them for that call only gives
 * each region's tables their own ARN (`arn:aws:dynamodb:us-east-2:123456789012:table/…`) without
 * touching the process environment anyone else sees: nothing can run between set and restore.
 */
function withDynaliteEnv<T>(region: string, create: () => T): T {
  const saved = { AWS_REGION: process.env.AWS_REGION, AWS_ACCOUNT_ID: process.env.AWS_ACCOUNT_ID };
  process.env.AWS_REGION = region;
  process.env.AWS_ACCOUNT_ID = ACCOUNT_ID;
  try {
    return create();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
