import { startLab, type Lab } from '@dbmig/sandbox';
import { errorsOf, everythingPrinted, reportOf, runVerify } from './run-verify.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.stop();
});
afterEach(() => lab.sandbox.faults.clear());

function v2Secret(): string {
  return lab.sandbox.world.region('us-east-1').secrets.get('db-password-v2-dev')!.secretString;
}

describe('the v2 secret', () => {
  it.each([
    ['guide-world', 0],
    ['secret-json', 0],
    ['wrong-password', 1],
  ])('%s: its value occurs nowhere in stdout, stderr, outputs or the summary', async (scenario, exitCode) => {
    await lab.load(scenario);
    const secret = v2Secret();
    const password =
      scenario === 'secret-json' ? (JSON.parse(secret) as { password: string }).password : secret;
    expect(password.length).toBeGreaterThan(16);
    const run = await runVerify(lab);
    expect(run.exitCode).toBe(exitCode);
    // It was read and masked (the runner then hides it from the log)...
    expect(run.masks).toContain(secret);
    expect(run.masks).toContain(password);
    // ...and written nowhere else.
    const printed = everythingPrinted(run);
    expect(printed).not.toContain(password);
    expect(printed).not.toContain(secret);
    expect(printed.length).toBeGreaterThan(1000);
  });
});

describe('throttling', () => {
  it.each(['guide-world', 'wrong-password', 'dr-replica-not-active'])(
    '%s: throttling on 30 %% of calls does not change the verdict',
    async (scenario) => {
      await lab.load(scenario);
      const calm = await runVerify(lab);

      lab.sandbox.faults.set([{ operation: '*', throttleRate: 0.3 }], 7);
      const before = lab.sandbox.requests.length;
      // Ten attempts: the odds of one call being throttled ten times in a row are 0.3^10.
      const throttled = await runVerify(lab, { 'max-attempts': '10' });
      const calls = lab.sandbox.requests.slice(before);

      expect(calls.filter((c) => c.fault === 'throttle').length).toBeGreaterThan(0);
      expect(throttled.exitCode).toBe(calm.exitCode);
      expect(throttled.outputs['healthy']).toBe(calm.outputs['healthy']);
      const statuses = (run: typeof calm) => reportOf(run).checks.map((c) => `${c.id}:${c.status}`);
      expect(statuses(throttled)).toEqual(statuses(calm));
    },
  );

  it('gives up after max-attempts and says the call was throttled', async () => {
    await lab.load('guide-world');
    lab.sandbox.faults.set([{ operation: 'rds:DescribeGlobalClusters', throttleRate: 1 }]);
    const run = await runVerify(lab, { 'max-attempts': '2' });
    expect(run.exitCode).toBe(1);
    const [error] = errorsOf(run);
    expect(error).toMatch(/throttl/i);
    expect(error).toContain('DescribeGlobalClusters');
  });
});
