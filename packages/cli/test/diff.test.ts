import { planEnvironment } from '../src/diff.js';
import type { DesiredEnvironment, EnvironmentRules, Reviewer } from '../src/state.js';

const alice: Reviewer = { type: 'User', id: 101, label: 'alice' };
const dba: Reviewer = { type: 'Team', id: 202, label: 'team:dba' };
const carol: Reviewer = { type: 'User', id: 303, label: 'carol' };

const gate: DesiredEnvironment = {
  name: 'dev-cutover',
  purpose: 'the cutover and the rollback',
  rules: { reviewers: [alice, dba], preventSelfReview: true, branchPolicy: 'protected-branches' },
};

const asAsked: EnvironmentRules = {
  reviewers: [alice, dba],
  preventSelfReview: true,
  waitTimer: 0,
  branchPolicy: 'protected-branches',
  branchPatterns: [],
};

describe('planEnvironment', () => {
  test('a missing environment is created with every rule the command sets, each shown from nothing', () => {
    expect(planEnvironment(gate, undefined)).toEqual({
      name: 'dev-cutover',
      purpose: 'the cutover and the rollback',
      action: 'create',
      changes: [
        { rule: 'required reviewers', before: 'none', after: 'alice, team:dba' },
        { rule: 'prevent self-review', before: 'off', after: 'on' },
        { rule: 'deployment branches', before: 'any branch', after: 'protected branches only' },
      ],
      body: {
        prevent_self_review: true,
        reviewers: [
          { type: 'User', id: 101 },
          { type: 'Team', id: 202 },
        ],
        deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
      },
    });
  });

  test('an environment already as asked is unchanged and gets no PUT, whatever the reviewers order', () => {
    const plan = planEnvironment(gate, { ...asAsked, reviewers: [dba, alice] });
    expect(plan).toEqual({ name: 'dev-cutover', purpose: gate.purpose, action: 'unchanged', changes: [] });
    expect(plan.body).toBeUndefined();
  });

  test('a reviewer is compared by id and type: the same id as a team is another reviewer', () => {
    const plan = planEnvironment(gate, {
      ...asAsked,
      reviewers: [alice, { ...dba, type: 'User', label: 'dba' }],
    });
    expect(plan.action).toBe('update');
    expect(plan.changes).toEqual([
      { rule: 'required reviewers', before: 'alice, dba', after: 'alice, team:dba' },
    ]);
  });

  test('an update lists only the rules that differ, and keeps an existing wait timer it does not manage', () => {
    const plan = planEnvironment(gate, {
      reviewers: [carol],
      preventSelfReview: false,
      waitTimer: 10,
      branchPolicy: 'custom-branch-policies',
      branchPatterns: [{ name: 'main', id: 9 }],
    });
    expect(plan.action).toBe('update');
    expect(plan.changes).toEqual([
      { rule: 'required reviewers', before: 'carol', after: 'alice, team:dba' },
      { rule: 'prevent self-review', before: 'off', after: 'on' },
      {
        rule: 'deployment branches',
        before: 'branches matching custom patterns',
        after: 'protected branches only',
      },
    ]);
    expect(plan.body).toMatchObject({ wait_timer: 10 });
  });

  test('a wait timer the command sets is compared and sent, even 0', () => {
    const timed = { ...gate, rules: { ...gate.rules, waitTimer: 0 } };
    const plan = planEnvironment(timed, { ...asAsked, waitTimer: 30 });
    expect(plan.changes).toEqual([{ rule: 'wait timer', before: '30 minutes', after: 'none' }]);
    expect(plan.body).toMatchObject({ wait_timer: 0 });
    expect(planEnvironment({ ...gate, rules: { waitTimer: 1 } }, asAsked).changes).toEqual([
      { rule: 'wait timer', before: 'none', after: '1 minute' },
    ]);
  });

  test('an environment whose rules are not managed is created bare, and left alone once it exists', () => {
    const plain: DesiredEnvironment = { name: 'dev', purpose: 'the ungated jobs', rules: {} };
    expect(planEnvironment(plain, undefined)).toMatchObject({ action: 'create', changes: [], body: {} });
    expect(planEnvironment(plain, { ...asAsked, reviewers: [carol], waitTimer: 5 })).toMatchObject({
      action: 'unchanged',
      changes: [],
    });
  });

  test('branch patterns: the missing ones are added, the others removed by id, and the same set is no change', () => {
    const custom: DesiredEnvironment = {
      ...gate,
      rules: {
        ...gate.rules,
        branchPolicy: 'custom-branch-policies',
        branchPatterns: [{ name: 'main' }, { name: 'release/*' }],
      },
    };
    const fresh = planEnvironment(custom, undefined);
    expect(fresh.changes).toContainEqual({
      rule: 'branch patterns',
      before: 'none',
      after: 'main, release/*',
    });
    expect(fresh.changes).toContainEqual({
      rule: 'deployment branches',
      before: 'any branch',
      after: 'branches matching custom patterns',
    });
    expect(fresh.body?.deployment_branch_policy).toEqual({
      protected_branches: false,
      custom_branch_policies: true,
    });
    expect(fresh.patterns).toEqual({ add: ['main', 'release/*'], remove: [] });

    const existing = {
      ...asAsked,
      branchPolicy: 'custom-branch-policies' as const,
      branchPatterns: [
        { name: 'release/*', id: 2 },
        { name: 'develop', id: 3 },
      ],
    };
    const update = planEnvironment(custom, existing);
    expect(update.changes).toEqual([
      { rule: 'branch patterns', before: 'release/*, develop', after: 'main, release/*' },
    ]);
    expect(update.patterns).toEqual({ add: ['main'], remove: [{ name: 'develop', id: 3 }] });

    const same = planEnvironment(custom, {
      ...existing,
      branchPatterns: [
        { name: 'release/*', id: 2 },
        { name: 'main', id: 4 },
      ],
    });
    expect(same).toMatchObject({ action: 'unchanged', changes: [] });
    expect(same.patterns).toBeUndefined();
  });

  test('any branch is sent as a null policy', () => {
    const plan = planEnvironment({ ...gate, rules: { branchPolicy: 'any' } }, asAsked);
    expect(plan.changes).toEqual([
      { rule: 'deployment branches', before: 'protected branches only', after: 'any branch' },
    ]);
    expect(plan.body).toEqual({ deployment_branch_policy: null });
  });
});
