import type { Job } from '@actions/workflow-parser/model/workflow-template';
import { WorkflowInputError } from './errors.js';

/** Jobs in an order where each comes after those it needs (the parser has refused unknown needs). */
export function orderedJobs(jobs: Job[], file: string): Job[] {
  const byId = new Map(jobs.map((job) => [job.id.value, job]));
  const done = new Set<string>();
  const out: Job[] = [];
  const visit = (job: Job, path: string[]): void => {
    const id = job.id.value;
    if (done.has(id)) return;
    if (path.includes(id)) {
      throw new WorkflowInputError(file, `jobs ${[...path, id].join(' → ')} need each other`);
    }
    if ((job as { type: string }).type !== 'job') {
      throw new WorkflowInputError(
        file,
        `job ${id} calls a reusable workflow, which this runner does not run`,
      );
    }
    for (const need of job.needs ?? []) {
      const dependency = byId.get(need.value);
      if (dependency) visit(dependency, [...path, id]);
    }
    done.add(id);
    out.push(job);
  };
  for (const job of jobs) visit(job, []);
  return out;
}

/** The ids of every job `id` needs, directly or through others: GitHub's success() looks at all of them. */
export function ancestorIds(id: string, jobs: Job[]): string[] {
  const byId = new Map(jobs.map((job) => [job.id.value, job]));
  const seen = new Set<string>();
  const walk = (at: string): void => {
    for (const need of byId.get(at)?.needs ?? []) {
      if (seen.has(need.value)) continue;
      seen.add(need.value);
      walk(need.value);
    }
  };
  walk(id);
  return [...seen];
}
