/**
 * SMS tables: the inbox (one row per logical citizen message), the parts of multipart
 * messages awaiting reassembly (persisted, so a crash between parts loses nothing
 * acknowledged), and the outbox with one segment row per submitted part.
 */
import { EntitySchema } from 'typeorm';
import { ecol } from '../storage/columns.js';

export interface InboxRow {
  id: number;
  sender: string;
  recipient: string | null;
  text: string;
  receivedAt: Date;
  /** The SMSC's message id for this message (or its first part), when it sent one. */
  smscMessageId: string | null;
  dataCoding: number;
  partsCount: number;
  /** sha256(sender, text): recognises redeliveries that carry no SMSC id. */
  dedupKey: string;
  /** Redeliveries recognised and dropped for this message. */
  duplicates: number;
  decodeError: string | null;
  handled: boolean;
  handledAt: Date | null;
  handledBy: string | null;
  caseId: string | null;
}

export type PartState = 'pending' | 'assembled';

export interface PartRow {
  id: number;
  /** sender|bits:reference|total: one multipart message. */
  groupKey: string;
  sender: string;
  recipient: string | null;
  reference: number;
  total: number;
  seq: number;
  dataCoding: number;
  /** Text bytes of the part (septets one per byte for GSM), base64. */
  payload: string;
  smscMessageId: string | null;
  receivedAt: Date;
  state: PartState;
  inboxId: number | null;
  /** When the incomplete group was reported (after the reassembly timeout). */
  reportedAt: Date | null;
}

export type OutboxState = 'queued' | 'submitted' | 'delivered' | 'failed';

export interface OutboxRow {
  id: number;
  to: string;
  text: string;
  caseId: string | null;
  jobKey: string | null;
  state: OutboxState;
  dataCoding: number;
  partsCount: number;
  /** 8-bit concatenation reference, fixed at enqueue so a resend reuses it. */
  concatRef: number;
  /** Message id of the first part. */
  smscMessageId: string | null;
  attempts: number;
  nextAttemptAt: Date;
  error: string | null;
  createdAt: Date;
  submittedAt: Date | null;
  deliveredAt: Date | null;
}

export type SegmentState = 'pending' | 'submitted' | 'delivered' | 'failed';

export interface OutboxSegmentRow {
  id: number;
  outboxId: number;
  seq: number;
  smscMessageId: string | null;
  state: SegmentState;
  receiptStat: string | null;
  updatedAt: Date;
}

export const InboxEntity = new EntitySchema<InboxRow>({
  name: 'SmsInbox',
  tableName: 'sms_inbox',
  columns: {
    id: ecol.id(),
    sender: ecol.string('sender', 32),
    recipient: ecol.string('recipient', 32, true),
    text: ecol.text('text', false),
    receivedAt: ecol.datetime('received_at'),
    smscMessageId: ecol.string('smsc_message_id', 64, true),
    dataCoding: ecol.int('data_coding'),
    partsCount: ecol.int('parts_count'),
    dedupKey: ecol.string('dedup_key', 64),
    duplicates: ecol.int('duplicates'),
    decodeError: ecol.text('decode_error'),
    handled: ecol.bool('handled'),
    handledAt: ecol.datetime('handled_at', true),
    handledBy: ecol.string('handled_by', 128, true),
    caseId: ecol.string('case_id', 64, true),
  },
});

export const PartEntity = new EntitySchema<PartRow>({
  name: 'SmsPart',
  tableName: 'sms_part',
  columns: {
    id: ecol.id(),
    groupKey: ecol.string('group_key', 96),
    sender: ecol.string('sender', 32),
    recipient: ecol.string('recipient', 32, true),
    reference: ecol.int('reference'),
    total: ecol.int('total'),
    seq: ecol.int('seq'),
    dataCoding: ecol.int('data_coding'),
    payload: ecol.text('payload', false),
    smscMessageId: ecol.string('smsc_message_id', 64, true),
    receivedAt: ecol.datetime('received_at'),
    state: ecol.string('state', 16),
    inboxId: ecol.int('inbox_id', true),
    reportedAt: ecol.datetime('reported_at', true),
  },
});

export const OutboxEntity = new EntitySchema<OutboxRow>({
  name: 'SmsOutbox',
  tableName: 'sms_outbox',
  columns: {
    id: ecol.id(),
    to: ecol.string('to_addr', 32),
    text: ecol.text('text', false),
    caseId: ecol.string('case_id', 64, true),
    jobKey: ecol.string('job_key', 128, true),
    state: ecol.string('state', 16),
    dataCoding: ecol.int('data_coding'),
    partsCount: ecol.int('parts_count'),
    concatRef: ecol.int('concat_ref'),
    smscMessageId: ecol.string('smsc_message_id', 64, true),
    attempts: ecol.int('attempts'),
    nextAttemptAt: ecol.datetime('next_attempt_at'),
    error: ecol.text('error'),
    createdAt: ecol.datetime('created_at'),
    submittedAt: ecol.datetime('submitted_at', true),
    deliveredAt: ecol.datetime('delivered_at', true),
  },
});

export const OutboxSegmentEntity = new EntitySchema<OutboxSegmentRow>({
  name: 'SmsOutboxSegment',
  tableName: 'sms_outbox_segment',
  columns: {
    id: ecol.id(),
    outboxId: ecol.int('outbox_id'),
    seq: ecol.int('seq'),
    smscMessageId: ecol.string('smsc_message_id', 64, true),
    state: ecol.string('state', 16),
    receiptStat: ecol.string('receipt_stat', 16, true),
    updatedAt: ecol.datetime('updated_at'),
  },
});

export const smsEntities = [InboxEntity, PartEntity, OutboxEntity, OutboxSegmentEntity];
