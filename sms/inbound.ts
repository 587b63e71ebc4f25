/**
 * What a deliver_sm means, decided from its raw fields before anything is stored: a delivery
 * receipt for one of our submits, a whole message, one part of a multipart message, or
 * something to refuse (with the SMPP status to answer).
 */
import smpp from 'smpp';
import { decodeText, alphabetOf, gsmSeptetsOf } from './codec/text.js';
import { concatProblem, MalformedUdhError, parseUdh, UDHI, type Concatenation } from './segment.js';
import { Tlv, tlvCString, tlvUint, type MessageFields } from './smpp/message.js';

export type ReceiptOutcome = 'delivered' | 'failed' | 'pending';

export interface ReceiptItem {
  kind: 'receipt';
  messageId: string;
  stat: string;
  outcome: ReceiptOutcome;
}

export interface MessageItem {
  kind: 'message';
  sender: string;
  recipient: string | null;
  smscMessageId: string | null;
  dataCoding: number;
  text: string;
  decodeError: string | null;
}

export interface PartItem {
  kind: 'part';
  sender: string;
  recipient: string | null;
  smscMessageId: string | null;
  dataCoding: number;
  concat: Concatenation;
  /** Text bytes of this part (GSM septets one per byte). */
  payload: Buffer;
}

export interface RefusedItem {
  kind: 'refused';
  status: number;
  reason: string;
}

export type InboundItem = ReceiptItem | MessageItem | PartItem | RefusedItem;

export interface ClassifyOptions {
  /** data_coding 0 arrives packed (default false: one septet per byte, the common SMPP form). */
  gsmPacked?: boolean;
}

const RECEIPT_FAILED = new Set(['EXPIRED', 'DELETED', 'UNDELIV', 'REJECTD', 'UNKNOWN']);
const MESSAGE_STATE: Record<number, string> = { 1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD' };

function receiptOf(fields: MessageFields): ReceiptItem | RefusedItem {
  const body = fields.shortMessage.toString('latin1');
  const idFromText = /id:(\S+)/i.exec(body)?.[1];
  const statFromText = /stat:(\S+)/i.exec(body)?.[1];
  const messageId = tlvCString(fields, Tlv.receipted_message_id) || idFromText;
  const state = tlvUint(fields, Tlv.message_state);
  const stat = (statFromText ?? (state !== undefined ? MESSAGE_STATE[state] : undefined) ?? 'UNKNOWN').toUpperCase();
  if (!messageId) return { kind: 'refused', status: smpp.errors.ESME_RX_P_APPN!, reason: 'delivery receipt without a message id' };
  const outcome: ReceiptOutcome = stat === 'DELIVRD' ? 'delivered' : RECEIPT_FAILED.has(stat) ? 'failed' : 'pending';
  return { kind: 'receipt', messageId, stat, outcome };
}

/** The concatenation carried by sar_* TLVs, if any. */
function sarOf(fields: MessageFields): Concatenation | undefined {
  const reference = tlvUint(fields, Tlv.sar_msg_ref_num);
  const total = tlvUint(fields, Tlv.sar_total_segments);
  const seq = tlvUint(fields, Tlv.sar_segment_seqnum);
  if (reference === undefined && total === undefined && seq === undefined) return undefined;
  return { reference: reference ?? 0, referenceBits: 16, total: total ?? 0, seq: seq ?? 0 };
}

export function classifyDeliver(fields: MessageFields, options: ClassifyOptions = {}): InboundItem {
  // esm_class bits 2–5 give the message type; 0x04 is an SMSC delivery receipt.
  if ((fields.esmClass & 0x3c) === 0x04) return receiptOf(fields);
  const sender = fields.sourceAddr.trim();
  if (!sender) return { kind: 'refused', status: smpp.errors.ESME_RINVSRCADR!, reason: 'empty source_addr' };
  const recipient = fields.destAddr || null;
  const smscMessageId = tlvCString(fields, Tlv.receipted_message_id) || null;
  const payloadTlv = fields.tlvs.get(Tlv.message_payload);
  let body = payloadTlv && payloadTlv.length > 0 ? payloadTlv : fields.shortMessage;
  let concat: Concatenation | undefined;
  let fillBits = 0;
  if (fields.esmClass & UDHI) {
    try {
      const udh = parseUdh(body);
      concat = udh.concat;
      body = udh.payload;
      fillBits = (7 - ((udh.udhLength * 8) % 7)) % 7;
    } catch (error) {
      if (error instanceof MalformedUdhError) return { kind: 'refused', status: smpp.errors.ESME_RX_P_APPN!, reason: error.message };
      throw error;
    }
  }
  concat ??= sarOf(fields);
  const packed = options.gsmPacked && alphabetOf(fields.dataCoding) === 'gsm7';
  if (concat) {
    const problem = concatProblem(concat);
    if (problem) return { kind: 'refused', status: smpp.errors.ESME_RX_P_APPN!, reason: `multipart header ${problem}` };
    if (concat.total > 1) {
      const payload = packed ? Buffer.from(gsmSeptetsOf(body, { gsmPacked: true, fillBits })) : Buffer.from(body);
      return { kind: 'part', sender, recipient, smscMessageId, dataCoding: fields.dataCoding, concat, payload };
    }
  }
  const decoded = decodeText(fields.dataCoding, body, { gsmPacked: packed, fillBits });
  return { kind: 'message', sender, recipient, smscMessageId, dataCoding: fields.dataCoding, text: decoded.text, decodeError: decoded.error ?? null };
}
