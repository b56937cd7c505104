/**
 * Starts the AWS sandbox in a child process (sandbox-child.ts) and drives it over IPC: where it listens,
 * the fault rules to apply, and stop. The child listens on 127.0.0.1 only, as every sandbox does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { FaultRule } from '@dbmig/sandbox';

export type ParentMessage = { type: 'faults'; rules: FaultRule[] } | { type: 'stop' };
export type ChildMessage =
  { type: 'ready'; url: string; env: Record<string, string> } | { type: 'faults-set' };

export interface SandboxProcess {
  readonly url: string;
  /** AWS_ENDPOINT_URL, AWS_REGION and the sandbox's dummy credentials. */
  readonly env: Record<string, string>;
  /** Replaces the fault rules (an empty list clears them); resolves once the child applied them. */
  setFaults(rules: FaultRule[]): Promise<void>;
  stop(): Promise<void>;
}

function nextMessage(child: ChildProcess, type: ChildMessage['type']): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the sandbox process exited (code ${code}) before answering '${type}'`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * With BENCH_SANDBOX_CPU_PROF=<dir>, the child writes a V8 CPU profile there when it stops: where the
 * emulator's time goes when the ceiling is the server's.
 */
export async function startSandboxProcess(): Promise<SandboxProcess> {
  const profileDir = process.env['BENCH_SANDBOX_CPU_PROF'];
  const child = fork(join(import.meta.dirname, 'sandbox-child.ts'), [], {
    execArgv: ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextMessage(child, 'ready');
  if (ready.type !== 'ready') throw new Error('unexpected first message from the sandbox process');
  let stopped = false;
  return {
    url: ready.url,
    env: ready.env,
    async setFaults(rules) {
      const applied = nextMessage(child, 'faults-set');
      child.send({ type: 'faults', rules } satisfies ParentMessage);
      await applied;
    },
    async stop() {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      const exited = once(child, 'exit');
      child.send({ type: 'stop' } satisfies ParentMessage);
      await exited;
    },
  };
}
