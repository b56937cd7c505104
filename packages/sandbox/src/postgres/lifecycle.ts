/**
 * Stops running servers when this process ends, so that no postmaster outlives it.
 *
 * - normal exit / process.exit(): the 'exit' handler sends SIGINT (fast shutdown) to every
 *   postmaster still running; it cannot wait, so the data directory is left to the watchdog;
 * - SIGINT, SIGTERM, SIGHUP: the servers are stopped properly; if nothing else in the process
 *   listens to that signal, it is then raised again so the process ends as it would have;
 * - SIGKILL, a crash of Node itself: no handler runs; the watchdog (watchdog.ts) notices within
 *   about a second and stops the postmaster and removes its directory.
 * Handlers are installed while at least one server runs and removed after the last one stops.
 */

export interface TrackedServer {
  readonly postmasterPid: number;
  stop(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const live = new Set<TrackedServer>();
const signalHandlers = new Map<NodeJS.Signals, () => void>();

function onExit(): void {
  for (const server of live) {
    try {
      process.kill(server.postmasterPid, 'SIGINT');
    } catch {
      // already gone
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  const othersListen = process.listenerCount(signal) > 1;
  void Promise.allSettled([...live].map((server) => server.stop())).then(() => {
    if (othersListen) return; // the process decides its own fate
    uninstall();
    process.kill(process.pid, signal);
  });
}

function install(): void {
  process.on('exit', onExit);
  for (const signal of SIGNALS) {
    const handler = (): void => onSignal(signal);
    signalHandlers.set(signal, handler);
    process.on(signal, handler);
  }
}

function uninstall(): void {
  process.removeListener('exit', onExit);
  for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
  signalHandlers.clear();
}

export function track(server: TrackedServer): void {
  if (live.size === 0) install();
  live.add(server);
}

export function untrack(server: TrackedServer): void {
  if (!live.delete(server)) return;
  if (live.size === 0) uninstall();
}
