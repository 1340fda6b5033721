import "server-only";

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

/**
 * Bounds the web's stop. Next closes the server on SIGTERM/SIGINT and exits
 * once every connection has ended, but a connection that never sent a request
 * never ends (Node's server.close() leaves it, and its header timeout stops
 * with the server): the process then waited forever. Here the first signal
 * arms a timer that exits with the signal's code after `graceMs`, unless Next
 * finished first; requests still running get that long.
 */
export function boundShutdown(graceMs: number): void {
  for (const signal of Object.keys(SIGNAL_NUMBERS) as (keyof typeof SIGNAL_NUMBERS)[]) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`web: still stopping ${graceMs} ms after ${signal}; exiting\n`);
        process.exit(128 + SIGNAL_NUMBERS[signal]);
      }, graceMs).unref();
    });
  }
}
