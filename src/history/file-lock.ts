import { sleep } from "../sleep.js";
import { DestinationError, errorMessage } from "../errors.js";

/** How a file store waits for the lock other processes may hold on its history file. */
export interface FileLockOptions {
  /** How long to wait for another run's lock before failing. @default 30000 */
  timeoutMs?: number;
  /**
   * A lock not refreshed for this long is taken as left by a crashed run, and taken over.
   * The holder refreshes it every `staleMs / 2`. @default 10000
   */
  staleMs?: number;
}

const DEFAULTS: Required<FileLockOptions> = { timeoutMs: 30_000, staleMs: 10_000 };

/**
 * Runs `work` holding a cross-process lock on `path` (the directory `<path>.lock`, made atomically
 * by proper-lockfile, so it works between processes and on network drives).
 * `work` calls `stillHeld()` right before its commit: it throws when the lock was lost meanwhile
 * (refreshing failed or another process took it over as stale), so nothing is written without it.
 */
export async function withFileLock<T>(path: string, destination: string, options: FileLockOptions, work: (stillHeld: () => void) => Promise<T>): Promise<T> {
  const { timeoutMs, staleMs } = { ...DEFAULTS, ...options };
  let lost: Error | undefined;
  const onCompromised = (error: Error) => {
    lost = error;
  };
  // Imported here, not at the top: proper-lockfile installs signal handlers and graceful-fs patches
  // `fs` when loaded, which a program that only imports kpi-collector must not get.
  const { default: lockfile } = await import("proper-lockfile");
  const deadline = Date.now() + timeoutMs;
  let release: () => Promise<void>;
  for (;;) {
    try {
      release = await lockfile.lock(path, { realpath: false, stale: staleMs, update: Math.max(1000, staleMs / 2), retries: 0, onCompromised });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") {
        throw new DestinationError(destination, `cannot lock ${path}: ${errorMessage(error)}`, { code: "history_lock_failed", cause: error });
      }
      if (Date.now() >= deadline) {
        throw new DestinationError(
          destination,
          `${path} is locked by another run (${path}.lock) and was not released within ${timeoutMs / 1000} s; nothing was written. If no other run is going, the lock is taken over once it is ${staleMs / 1000} s old`,
          { code: "history_locked" },
        );
      }
      // Jitter, so two waiting runs don't retry in step.
      await sleep(25 + Math.random() * 75);
    }
  }
  try {
    return await work(() => {
      if (lost)
        throw new DestinationError(destination, `lost the lock on ${path} before writing (${lost.message}); nothing was written`, {
          code: "history_lock_lost",
          cause: lost,
        });
    });
  } finally {
    // A lock already lost is not ours to release.
    if (!lost) await release().catch(() => undefined);
  }
}
