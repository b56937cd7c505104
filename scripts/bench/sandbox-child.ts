/**
 * The AWS sandbox in a process of its own, for the DynamoDB benchmark: in AWS the server is not on the
 * client's event loop, and a sandbox in the benchmark's process would have the copy and the emulator take
 * turns on one thread, so that a client that does more work per item looks like a slower server.
 * Started by sandbox-process.ts through fork(); speaks with it over the IPC channel only.
 */
import { Sandbox, type FaultRule } from '@dbmig/sandbox';
import type { ChildMessage, ParentMessage } from './sandbox-process.js';

const sandbox = await Sandbox.start();
const send = (message: ChildMessage) => process.send?.(message);

process.on('message', (message: ParentMessage) => {
  if (message.type === 'faults') {
    sandbox.faults.set(message.rules as FaultRule[]);
    // The log of answered calls grows with every request; the benchmark never reads it.
    sandbox.requests.length = 0;
    send({ type: 'faults-set' });
  } else if (message.type === 'stop') {
    void sandbox.stop().finally(() => process.exit(0));
  }
});
// The benchmark went away without saying stop: do not outlive it.
process.on('disconnect', () => void sandbox.stop().finally(() => process.exit(0)));

send({ type: 'ready', url: sandbox.url, env: sandbox.env() });
