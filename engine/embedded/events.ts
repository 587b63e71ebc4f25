/**
 * Messages and timers of the embedded engine. Both are rows: a message is correlated to the
 * active subscriptions with its name and key (found by index, each instance rebuilt only when it
 * has one); a timer fires when its due time passes, found by the scheduler's indexed query on
 * (state, due_at) — never by loading instances to look at their clocks.
 */
import type { DataSource } from 'typeorm';
import { DomainError } from '../../errors/index.js';
import type { Variables } from '../port.js';
import { SubscriptionEntity, TimerEntity } from './entities.js';
import { notHeldByIncident } from './incidents.js';
import type { InstanceStore } from './instance-store.js';
import { plainVariables } from './rows.js';

export class MessagesAndTimers {
  constructor(
    private readonly ds: DataSource,
    private readonly store: InstanceStore,
  ) {}

  async publish(message: { name: string; correlationKey: string; variables?: Variables }): Promise<{ correlated: number }> {
    const variables = plainVariables(message.variables, 'message variables');
    const subscriptions = await this.ds.getRepository(SubscriptionEntity).find({
      where: { messageName: message.name, correlationKey: String(message.correlationKey), state: 'active' },
    });
    let correlated = 0;
    for (const sub of subscriptions) {
      await this.store.withLock(sub.instanceKey, async () => {
        const fresh = await this.ds.getRepository(SubscriptionEntity).findOne({ where: { key: sub.key } });
        if (fresh?.state !== 'active') return;
        const live = await this.store.load(sub.instanceKey);
        const element = live.def.model.waits.get(sub.elementId);
        if (element?.kind !== 'message') return;
        const outcome = await this.store.advance(live, (rt) => {
          rt.mergeVariables(variables);
          rt.signal(element.messageId);
        }, {
          closed: sub.executionId,
          before: async (tx) => {
            await tx.getRepository(SubscriptionEntity).update({ key: sub.key }, { state: 'correlated' });
          },
        });
        if (!outcome.ok) throw new DomainError('message.correlation_rejected', `message ${message.name} cannot be correlated: ${outcome.reason}`, { field: 'variables' });
        correlated += 1;
      });
    }
    return { correlated };
  }

  /** Keys of timers due now (oldest first), skipping instances held by a recovery incident. */
  async dueTimers(limit: number): Promise<string[]> {
    const rows = await this.ds.getRepository(TimerEntity).createQueryBuilder('t').select(['t.key'])
      .where(`t.state = :s AND t.due_at <= :now AND ${notHeldByIncident('t')}`, { s: 'active', now: new Date() })
      .orderBy('t.due_at', 'ASC').limit(limit).getMany();
    return rows.map((r) => r.key);
  }

  async fireTimer(timerKey: string): Promise<void> {
    const timer = await this.ds.getRepository(TimerEntity).findOne({ where: { key: timerKey } });
    if (!timer || timer.state !== 'active') return;
    await this.store.withLock(timer.instanceKey, async () => {
      const fresh = await this.ds.getRepository(TimerEntity).findOne({ where: { key: timerKey } });
      if (fresh?.state !== 'active') return;
      const live = await this.store.load(timer.instanceKey); // a recovered instance fires due timers itself
      if (!live.open.has(timer.executionId)) return;
      if (!live.rt.armed(timer.executionId)) {
        // this runtime did not arm the timer (built before it was due): rebuilding fires it
        this.store.drop(timer.instanceKey);
        await this.store.load(timer.instanceKey);
        return;
      }
      const outcome = await this.store.advance(live, (rt) => rt.fireTimer(timer.executionId), {
        closed: timer.executionId,
        before: async (tx) => {
          await tx.getRepository(TimerEntity).update({ key: timerKey }, { state: 'fired' });
        },
      });
      if (!outcome.ok) throw new Error(`timer ${timer.elementId} failed: ${outcome.reason}`);
    });
  }
}
