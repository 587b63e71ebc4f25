/**
 * Moves SQLite's WAL checkpoints off the event loop. With SQLite's own auto-checkpoint, the
 * COMMIT that crosses 1,000 WAL pages copies them into the database file and syncs it, on the
 * platform's one thread: measured under `bench:scale` (20,000 open cases, 8 clients) one commit
 * in 50 took 10–50 ms, half of all the time spent in COMMIT, and every action queued behind it.
 *
 * Here a worker thread holds its own connection to the same file and runs a PASSIVE checkpoint
 * every `intervalMs` (a passive checkpoint never blocks the writer or readers: it copies what no
 * reader still needs and leaves the rest for the next round). The platform's connection keeps an
 * auto-checkpoint, but at a threshold the worker keeps the WAL far below, so it only acts if the
 * worker has fallen behind or died: the WAL stays bounded either way.
 *
 * The worker is a few lines of CommonJS evaluated in the thread, so it needs no TypeScript loader.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** WAL pages (4 KiB) at which the platform's own connection checkpoints: the safety net only. */
export const fallbackAutoCheckpointPages = 16_384;

const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage({ error: String(error && error.message || error) }); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') { clearInterval(timer); checkpoint(); db.close(); parentPort.postMessage('stopped'); }
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Starts the checkpointing thread for a SQLite file already in WAL mode. `onError` hears about a
 * failed checkpoint (a busy database: the next round tries again).
 */
export function startCheckpointer(file: string, options: { intervalMs?: number; onError?: (message: string) => void } = {}): Checkpointer {
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { file, intervalMs: options.intervalMs ?? 250, driver: require.resolve('better-sqlite3') },
    // a small thread: one statement on a timer
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  worker.on('message', (m: unknown) => {
    if (m && typeof m === 'object' && 'error' in m) options.onError?.(String((m as { error: unknown }).error));
  });
  worker.on('error', (error) => options.onError?.(error.message));
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.once('message', (m) => {
          if (m === 'stopped') void worker.terminate();
        });
        worker.postMessage('stop');
        // a thread stuck in a busy checkpoint still ends
        setTimeout(() => void worker.terminate(), 2_000).unref();
      });
      return stopped;
    },
  };
}
