import { startLab, startPostgres, type Lab } from '@dbmig/sandbox';
import { errorsOf, everythingPrinted, reportOf, runVerify, type ReportCheck } from './run-verify.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.stop();
});
beforeEach(async () => {
  await lab.load('guide-world');
});

function connectionCheck(run: Awaited<ReturnType<typeof runVerify>>): ReportCheck | undefined {
  return reportOf(run).checks.find((c) => c.id === 'database-connection');
}

/** The v2 primary cluster as the sandbox's RDS describes it; its endpoint is where the action connects. */
function v2PrimaryCluster() {
  return lab.sandbox.world.region(lab.config.regions.primary).clusters.get(lab.config.v2.primaryCluster)!;
}

function expectNoPassword(run: Awaited<ReturnType<typeof runVerify>>): void {
  expect(everythingPrinted(run)).not.toContain(lab.databases.v2.password);
}

describe('ssl-mode against the sandbox, whose PostgreSQL servers speak TLS', () => {
  it('require (the default) passes, over an encrypted connection', async () => {
    const run = await runVerify(lab); // no ssl-mode input: the action's default
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    // What the server itself says about the action's session (pg_stat_ssl).
    expect(connectionCheck(run)?.detail).toMatch(/^PostgreSQL 15\.\S+, encrypted \(TLSv1\.[23]\)$/);
  });

  it('disable still connects to a server that allows plain text, and says it is unencrypted', async () => {
    const run = await runVerify(lab, { 'ssl-mode': 'disable' });
    expect(run.exitCode).toBe(0);
    expect(connectionCheck(run)?.detail).toMatch(/^PostgreSQL 15\.\S+, unencrypted$/);
  });

  describe('when the server refuses plain text (as rds.force_ssl = 1 does)', () => {
    beforeAll(() => lab.databases.v2.setTlsRequired(true));
    afterAll(() => lab.databases.v2.setTlsRequired(false));

    it('require passes: the session really is encrypted', async () => {
      const run = await runVerify(lab, { 'ssl-mode': 'require' });
      expect(errorsOf(run)).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(connectionCheck(run)).toMatchObject({
        status: 'pass',
        detail: expect.stringContaining('encrypted (TLS'),
      });
    });

    it('disable fails, saying the server refuses unencrypted connections and what to use', async () => {
      const run = await runVerify(lab, { 'ssl-mode': 'disable' });
      expect(run.exitCode).toBe(1);
      expect(connectionCheck(run)).toEqual(
        expect.objectContaining({
          status: 'fail',
          detail: `127.0.0.1:${lab.databases.v2.port}/paymentsdb as dbadmin refuses unencrypted connections (ssl-mode disable): use ssl-mode require or verify-full`,
        }),
      );
      expect(errorsOf(run)[0]).toContain('database-connection (');
      expectNoPassword(run);
    });
  });

  it('verify-full passes when NODE_EXTRA_CA_CERTS names the CA, by IP address and by host name', async () => {
    const byIp = await runVerify(lab, { 'ssl-mode': 'verify-full' }, { NODE_EXTRA_CA_CERTS: lab.caFile });
    expect(errorsOf(byIp)).toEqual([]);
    expect(byIp.exitCode).toBe(0);
    expect(connectionCheck(byIp)?.detail).toContain('encrypted (TLS');

    v2PrimaryCluster().endpoint = 'localhost'; // a DNS name, as an RDS endpoint is
    const byName = await runVerify(lab, { 'ssl-mode': 'verify-full' }, { NODE_EXTRA_CA_CERTS: lab.caFile });
    expect(errorsOf(byName)).toEqual([]);
    expect(byName.exitCode).toBe(0);
    expect(connectionCheck(byName)).toMatchObject({ resource: `localhost:${lab.databases.v2.port}` });
    // No "Setting the TLS ServerName to an IP address" or other warning from Node.
    expect(byIp.stderr).not.toMatch(/Warning/);
    expect(byName.stderr).not.toMatch(/Warning/);
  });

  it('verify-full without the CA fails, naming the certificate problem and the remedy', async () => {
    // The run inherits this process's NODE_EXTRA_CA_CERTS, if any (e.g. the system bundle): the lab's
    // throwaway CA is in none of them.
    const run = await runVerify(lab, { 'ssl-mode': 'verify-full' });
    expect(run.exitCode).toBe(1);
    const check = connectionCheck(run);
    expect(check?.status).toBe('fail');
    expect(check?.detail).toContain(
      `the certificate of 127.0.0.1:${lab.databases.v2.port} is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
    );
    expect(check?.detail).toContain('NODE_EXTRA_CA_CERTS=');
    expect(check?.detail).toContain('or use ssl-mode require');
    expect(errorsOf(run)).toHaveLength(1);
    expect(errorsOf(run)[0]).toContain('database-connection (');
    expectNoPassword(run);
  });

  it('verify-full fails on a certificate for other names, saying which and what to do', async () => {
    // A v2 writer whose certificate (trusted CA, right password) names another host than the endpoint.
    const misnamed = await startPostgres({
      name: `misnamed-v2-${process.pid}`,
      user: lab.config.database.user,
      password: lab.databases.v2.password,
      database: lab.config.database.name,
      tls: { hostnames: ['db.example.internal'] },
    });
    try {
      v2PrimaryCluster().port = misnamed.port;
      const run = await runVerify(
        lab,
        { 'ssl-mode': 'verify-full' },
        { NODE_EXTRA_CA_CERTS: misnamed.tls!.caFile },
      );
      expect(run.exitCode).toBe(1);
      const detail = connectionCheck(run)?.detail ?? '';
      expect(detail).toContain(`the certificate of 127.0.0.1:${misnamed.port} does not name "127.0.0.1"`);
      expect(detail).toContain("IP: 127.0.0.1 is not in the cert's list");
      expect(detail).toContain('connect through one of those');
      expect(detail).toContain('or use ssl-mode require');
      expectNoPassword(run);

      // The same server passes with require: encrypted, certificate not checked.
      const lenient = await runVerify(lab, { 'ssl-mode': 'require' });
      expect(lenient.exitCode).toBe(0);
    } finally {
      await misnamed.stop();
    }
  });
});
