/** Prints an error as one clear line (stack only with --debug) and sets a failing exit code. */
export function reportFatal(err: unknown, debug: boolean): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`splitserve: ${message}`);
  if (debug && err instanceof Error && err.stack) console.error(err.stack);
  process.exitCode = 1;
}
