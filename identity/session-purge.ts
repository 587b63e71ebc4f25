/**
 * Ended sessions (expired, signed out, revoked) and their refresh tokens are deleted a day
 * after they ended, at start-up and then daily: the table holds live sessions, not every
 * sign-in since the platform started. The audit log keeps the history of sign-ins.
 */
import type { SessionStore } from './sessions.js';

export function scheduleSessionPurge(sessions: Pick<SessionStore, 'purge'>, options: { everyMs?: number; keepMs?: number; now?: () => Date; log?: (message: string) => void } = {}) {
  const everyMs = options.everyMs ?? 24 * 3_600_000;
  const keepMs = options.keepMs ?? 24 * 3_600_000;
  const now = options.now ?? (() => new Date());
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running.then(async () => {
      try {
        const purged = await sessions.purge(new Date(now().getTime() - keepMs));
        if (purged) options.log?.(`purged ${purged} ended session(s)`);
      } catch (error) {
        // a failed purge is retried at the next run; it must not take the platform down
        options.log?.(`session purge failed: ${(error as Error).message}`);
      }
    });
    return running;
  };
  void run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return {
    /** Runs a purge now (and waits for it). */
    runNow: run,
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}
