/**
 * The optional webhook for other city systems (SMS_WEBHOOK_URL): every new inbox message is
 * POSTed as JSON, signed with HMAC-SHA256 of the body (`X-Paidan-Signature: sha256=<hex>`) when
 * a secret is set, retried with backoff on failure. Delivery is best-effort by design (a
 * receiver that was down for long misses messages); the cursor endpoint
 * `GET /api/integration/sms/received?after=<id>` is the reliable way to catch up.
 */
import { createHmac } from 'node:crypto';
import type { InboxMessage } from './inbox-store.js';

export interface WebhookOptions {
  url: string;
  secret?: string | null;
  /** Attempts per message (default 5), waiting 1 s, 2 s, 4 s … between them. */
  attempts?: number;
  initialBackoffMs?: number;
  timeoutMs?: number;
  onError?: (error: unknown, messageId: number) => void;
}

export function webhookPayload(message: InboxMessage) {
  return { event: 'sms.received', id: message.id, sender: message.sender, text: message.text, receivedAt: message.receivedAt, partsCount: message.partsCount };
}

export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function createWebhook(options: WebhookOptions) {
  const attempts = options.attempts ?? 5;
  const initial = options.initialBackoffMs ?? 1000;
  const pending = new Set<Promise<void>>();
  let stopped = false;

  async function deliver(message: InboxMessage): Promise<void> {
    const body = JSON.stringify(webhookPayload(message));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'paidan-sms-webhook/1' };
    if (options.secret) headers['x-paidan-signature'] = signature(body, options.secret);
    for (let attempt = 1; attempt <= attempts && !stopped; attempt += 1) {
      try {
        const response = await fetch(options.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
        if (response.ok) return;
        if (response.status >= 400 && response.status < 500 && response.status !== 429) throw new Error(`webhook refused message ${message.id}: HTTP ${response.status}`);
        throw Object.assign(new Error(`webhook answered HTTP ${response.status}`), { transient: true });
      } catch (error) {
        const transient = (error as { transient?: boolean }).transient || (error as Error).name === 'TimeoutError' || (error as Error).name === 'TypeError';
        if (!transient || attempt === attempts) {
          options.onError?.(error, message.id);
          return;
        }
        await new Promise((r) => setTimeout(r, initial * 2 ** (attempt - 1)));
      }
    }
  }

  return {
    notify(message: InboxMessage): void {
      if (stopped) return;
      const run = deliver(message).finally(() => pending.delete(run));
      pending.add(run);
    },
    /** Resolves when every delivery (with its retries) has finished. */
    async idle(): Promise<void> {
      while (pending.size) await Promise.allSettled([...pending]);
    },
    /** Stops retrying (an attempt under way finishes). */
    async stop(): Promise<void> {
      stopped = true;
      await Promise.allSettled([...pending]);
    },
  };
}
