/**
 * The outbox sender loop: picks due messages, submits their pending parts over the gateway's
 * window, records each accepted part at once, and requeues with exponential backoff when the
 * SMSC refuses transiently or the link is down (without burning attempts while unbound).
 * Binding again wakes it, so everything queued during an outage is sent when the SMSC is back.
 */
import type { OutboxStore } from './outbox-store.js';
import { segmentText } from './segment.js';
import { SubmitError, type Logger, type SmppGateway } from './gateway.js';
import { dataCodingOf } from './codec/text.js';

export interface SenderConfig {
  /** How often to look for due messages when idle (default 1 s). */
  pollMs?: number;
  /** Retry backoff base and ceiling (defaults 1 s and 5 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Attempts before a message is failed (default 10). */
  maxAttempts?: number;
  /** Messages sent concurrently (default: the gateway window). */
  concurrency?: number;
}

export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;
  private wake = false;
  private readonly inflight = new Set<number>();
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: OutboxStore,
    private readonly gateway: SmppGateway,
    private readonly config: SenderConfig = {},
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.gateway.on('bound', this.onBound);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.gateway.off('bound', this.onBound);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.loop;
  }

  /** Look for work now (after an enqueue). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.wake = true;
    else this.schedule(0);
  }

  private readonly onBound = (): void => this.kick();

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.loop = this.tick();
    }, delay);
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    this.wake = false;
    try {
      if (!this.gateway.isBound) return;
      const concurrency = this.config.concurrency ?? 10;
      const batch = concurrency * 4;
      const due = await this.store.due(batch, this.inflight);
      if (due.length === 0) return;
      const queue = [...due];
      await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await this.send(next.row.id, next.row.to, next.row.text, next.row.concatRef, next.row.dataCoding, next.row.attempts, next.pendingSeqs);
      }));
      // a full batch may have left more behind: look again at once; otherwise wait for the next
      // enqueue (kick) or poll (each look is two queries: at one look per message sent, these
      // were a third of the SMS pipeline's statements)
      if (due.length >= batch) this.wake = true;
    } catch (error) {
      this.logger.error('sms outbox loop failed', { error: (error as Error).message });
    } finally {
      this.running = false;
      this.schedule(this.wake ? 0 : this.config.pollMs ?? 1000);
    }
  }

  private backoff(attempts: number): number {
    const base = this.config.retryBaseMs ?? 1000;
    return Math.min(base * 2 ** Math.max(0, attempts), this.config.retryMaxMs ?? 300_000);
  }

  private async send(id: number, to: string, text: string, concatRef: number, dataCoding: number, attempts: number, pendingSeqs: number[]): Promise<void> {
    this.inflight.add(id);
    try {
      const segmentation = segmentText(text, concatRef, dataCoding === dataCodingOf('ucs2') ? 'ucs2' : 'gsm7');
      const parts = segmentation.parts.filter((part) => pendingSeqs.includes(part.seq));
      try {
        for (const part of parts) {
          const messageId = await this.gateway.submitPart(to, part);
          await this.store.recordSegmentSubmitted(id, part.seq, messageId);
        }
        await this.store.recordAttempt(id, { ok: true });
      } catch (error) {
        const submitError = error instanceof SubmitError ? error : new SubmitError((error as Error).message, null, true);
        const linkDown = submitError.status === null && !this.gateway.isBound;
        const permanent = !submitError.transient || attempts + 1 >= (this.config.maxAttempts ?? 10);
        const retryAt = new Date(Date.now() + (linkDown ? 0 : this.backoff(attempts)));
        const result = await this.store.recordAttempt(id, { ok: false, error: submitError.message, permanent: permanent && !linkDown, retryAt, countAttempt: !linkDown });
        if (result?.state === 'failed') this.logger.error('sms failed permanently', { id, error: submitError.message });
        else this.logger.warn('sms submit failed, will retry', { id, error: submitError.message, retryAt });
      }
    } finally {
      this.inflight.delete(id);
    }
  }
}
