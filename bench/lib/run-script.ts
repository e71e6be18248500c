/**
 * Runs a benchmark script's `main`: exits once it is done (a pool or a socket left open must not keep
 * the script alive) with 0, or with 1 and the error.
 */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
