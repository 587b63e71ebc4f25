/**
 * `sms-notify` worker: tells the citizen who reported a case, by SMS, that it was received,
 * dismissed (not substantiated) or resolved. It only queues the message in the SMS outbox,
 * idempotently by job key, so a re-run after a crash never texts the citizen twice.
 */
import { JobFailure, type Worker } from '../contract.js';

export type NotifyTemplate = 'received' | 'dismissed' | 'resolved';

export interface SmsNotifyInput {
  reporterPhone: string | null;
  caseNumber: string;
  caseId?: string | null;
}

export interface SmsNotifyOutput extends Record<string, unknown> {
  notified: boolean;
  /** Outbox id of the queued message. */
  smsId?: number;
  /** Why nothing was sent (no phone, invalid phone). */
  reason?: string;
  /** Written by the `received` template (the process's acknowledgeReport step). */
  acknowledged?: boolean;
}

/** What the worker needs from the SMS channel (`createSms(...)` provides it). */
export interface SmsOutbox {
  enqueue(input: { to: string; text: string; caseId?: string | null; jobKey?: string | null }): Promise<{ id: number }>;
}

export interface SmsNotifyConfig {
  /** The signature in 【】 that opens every message (default 城管执法). */
  signature?: string;
}

const TEMPLATES: Record<NotifyTemplate, (caseNumber: string) => string> = {
  received: (n) => `您反映的问题已受理，案件编号${n}，我们将尽快处理。`,
  dismissed: (n) => `您反映的问题（案件编号${n}）经现场核实不属实，案件已办结。感谢您的监督。`,
  resolved: (n) => `您反映的问题（案件编号${n}）已处理完毕，案件已办结。感谢您对城市管理工作的支持！`,
};

export function isNotifyTemplate(value: string | undefined): value is NotifyTemplate {
  return value === 'received' || value === 'dismissed' || value === 'resolved';
}

/** The Chinese text of a notification. */
export function notificationText(template: NotifyTemplate, caseNumber: string, signature = '城管执法'): string {
  return `【${signature}】${TEMPLATES[template](caseNumber)}`;
}

/** Errors the outbox raises for input no retry can fix. */
function isPermanentInputError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'sms.phone_invalid' || code === 'sms.text_empty';
}

export function createSmsNotifyWorker(deps: { sms: SmsOutbox; config?: SmsNotifyConfig }): Worker<SmsNotifyInput, SmsNotifyOutput> {
  return {
    type: 'sms-notify',
    inputSchema: {
      type: 'object',
      required: ['caseNumber'],
      properties: {
        reporterPhone: { type: ['string', 'null'], maxLength: 32 },
        caseNumber: { type: 'string', minLength: 1, maxLength: 64 },
        caseId: { type: ['string', 'null'], maxLength: 64 },
      },
    },
    async handle(variables, job) {
      const template = job.headers.template;
      if (!isNotifyTemplate(template)) {
        throw new JobFailure(`sms-notify: header template must be received, dismissed or resolved (got ${JSON.stringify(template)})`);
      }
      const withAck = (output: SmsNotifyOutput): SmsNotifyOutput => (template === 'received' ? { ...output, acknowledged: output.notified } : output);
      const phone = variables.reporterPhone?.trim();
      if (!phone) return withAck({ notified: false, reason: 'no reporter phone' });
      try {
        const queued = await deps.sms.enqueue({
          to: phone,
          text: notificationText(template, variables.caseNumber, deps.config?.signature),
          caseId: variables.caseId ?? null,
          jobKey: `sms-notify:${job.jobKey}`,
        });
        return withAck({ notified: true, smsId: queued.id });
      } catch (error) {
        if (isPermanentInputError(error)) return withAck({ notified: false, reason: (error as Error).message });
        throw new JobFailure(`sms-notify: could not queue the SMS: ${(error as Error).message}`, undefined, { cause: error });
      }
    },
  };
}
