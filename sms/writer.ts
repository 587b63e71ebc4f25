/**
 * Group commit for the SMS tables: every write is an operation queued here, and whatever has
 * queued while the previous transaction ran commits together in the next one. One SMPP
 * acknowledgement per row would otherwise cost one commit per message. A failed batch is
 * retried one operation per transaction, so one bad row cannot fail its neighbours.
 * It also serialises transactions, which SQLite's single shared TypeORM connection requires.
 */
import type { DataSource, EntityManager } from 'typeorm';

export type WriteOp<T> = (em: EntityManager) => Promise<T>;

interface Pending {
  op: WriteOp<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface BatchWriterOptions {
  /** Most operations committed in one transaction (default 256). */
  maxBatch?: number;
}

export class BatchWriter {
  private queue: Pending[] = [];
  private running = false;
  private readonly maxBatch: number;
  private idleWaiters: Array<() => void> = [];
  /** Transactions committed and operations in them (the bench prints the mean batch). */
  readonly stats = { transactions: 0, operations: 0 };

  constructor(private readonly dataSource: DataSource, options: BatchWriterOptions = {}) {
    this.maxBatch = options.maxBatch ?? 256;
  }

  /** Runs `op` inside a committed transaction; resolves only after the commit. */
  write<T>(op: WriteOp<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) {
        // Start on the next turn: PDUs already read from the socket join this first batch.
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commit(batch);
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results: unknown[] = [];
        await this.dataSource.transaction(async (em) => {
          for (const item of batch) results.push(await item.op(em));
        });
        this.stats.transactions += 1;
        this.stats.operations += batch.length;
        batch.forEach((item, i) => item.resolve(results[i]));
        return;
      } catch {
        // Fall through: isolate the failing operation.
      }
    }
    for (const item of batch) {
      try {
        let result: unknown;
        await this.dataSource.transaction(async (em) => {
          result = await item.op(em);
        });
        this.stats.transactions += 1;
        this.stats.operations += 1;
        item.resolve(result);
      } catch (error) {
        item.reject(error);
      }
    }
  }
}
