import { jest } from '@jest/globals';
import net from 'node:net';

// Simulates another process taking the port between the probe and the server binding it: the
// first probe returns a port that is already in use, later probes return free ones.
const busy = net.createServer();
await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
const busyPort = (busy.address() as net.AddressInfo).port;
const actual = await import('./free-port.js');
const probes: number[] = [];
jest.unstable_mockModule('./free-port.js', () => ({
  ...actual,
  freePort: async () => {
    const port = probes.length === 0 ? busyPort : await actual.freePort();
    probes.push(port);
    return port;
  },
}));
const { startPostgres } = await import('./server.js');

afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

it('moves to another port when the probed one is taken before postgres binds it', async () => {
  const server = await startPostgres({ name: `collision-${process.pid}` });
  try {
    expect(probes[0]).toBe(busyPort);
    expect(probes).toHaveLength(2);
    expect(server.port).toBe(probes[1]);
    expect(server.logs()).toContain('Address already in use');
    await server.session((client) => client.query('SELECT 1'));
  } finally {
    await server.stop();
  }
});
