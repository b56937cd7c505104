import { spawn } from 'node:child_process';

export interface Watchdog {
  /** Ends the watchdog; call it before stopping the server on purpose. */
  cancel(): void;
}

// Polls the parent once a second; when the parent is gone (even after SIGKILL, which no exit
// handler sees), it shuts the postmaster down (SIGINT, then SIGKILL after ~10 s) and removes
// the server's directory. `sleep 0.2` is accepted by GNU, BSD/macOS and busybox sleep.
const SCRIPT = [
  'while kill -0 "$1" 2>/dev/null; do sleep 1; done',
  'kill -INT "$2" 2>/dev/null',
  'i=0',
  'while kill -0 "$2" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.2; i=$((i+1)); done',
  'kill -KILL "$2" 2>/dev/null',
  'rm -rf "$3"',
].join('\n');

/**
 * Starts a tiny detached `sh` process that outlives this Node process and cleans up after it.
 * Not covered: the watchdog itself being killed (e.g. `kill -9` of its process group), the
 * machine going down, and Windows (no watchdog there; exit handlers only).
 */
export function startWatchdog(postmasterPid: number, directory: string): Watchdog {
  if (process.platform === 'win32') return { cancel: () => undefined };
  const child = spawn(
    '/bin/sh',
    ['-c', SCRIPT, 'dbmig-pg-watchdog', String(process.pid), String(postmasterPid), directory],
    {
      detached: true, // own process group: a Ctrl-C or group kill aimed at the parent spares it
      stdio: 'ignore',
    },
  );
  child.on('error', () => undefined); // no /bin/sh: cleanup falls back to the exit handlers
  child.unref();
  return {
    cancel: () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL'); // the group: sh and its current `sleep`
      } catch {
        // already gone
      }
    },
  };
}
