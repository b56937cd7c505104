// A tiny action, run by run-action.test.ts in a child process the way the runner runs a real one.
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { AwsClients } from '../aws/clients.js';
import { loadConfig } from '../config/build-config.js';
import { Report } from '../report/report.js';
import { writeReportSummary } from '../report/summary.js';
import { runAction } from './run-action.js';

await runAction('fixture-action', async (io) => {
  const config = await loadConfig({ environment: io.string('environment', { required: true }) });
  const password = io.secret(io.string('password', { default: '' }));
  const count = io.integer('count', { default: 1, min: 0, max: 10 });
  const verbose = io.boolean('verbose', { default: false });
  const mode = io.choice('mode', ['ok', 'aws', 'unexpected'] as const, 'ok');

  // Every channel below tries to leak the password; none may.
  io.info(`connecting as ${config.database.user} with ${password}`);
  io.setOutput('count', count);
  io.setOutput('verbose', verbose);
  io.setOutput('echo', `password=${password}`);
  const report = new Report(`fixture for ${config.environment}`);
  report.add({
    id: 'secret',
    title: 'Secret read',
    region: config.regions.primary,
    status: 'pass',
    detail: `got ${password} | ok`,
  });
  io.setOutput('report', report.toJSON({ failOnWarning: false }));
  await writeReportSummary(report, { failOnWarning: false }, io.summary);

  if (mode === 'aws') {
    const clients = new AwsClients({
      maxAttempts: 1,
      retryMode: 'standard',
      userAgent: io.action,
      services: { rds: RDSClient },
    });
    try {
      // No wrapping: the client itself records the operation, resource and region on the error.
      await clients
        .rds(config.regions.primary)
        .send(new DescribeDBClustersCommand({ DBClusterIdentifier: config.v2.primaryCluster }));
    } finally {
      clients.destroy();
    }
  }
  if (mode === 'unexpected') throw new Error(`could not log in with ${password}`);
});
