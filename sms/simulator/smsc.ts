/**
 * An SMSC simulator on the same `smpp` package: accepts the platform's bind (checking
 * system_id / password), answers submit_sm with message ids and sends delivery receipts, and
 * injects citizens' MO messages — Chinese, long (UDH 8/16-bit, sar TLVs, message_payload),
 * in or out of order — redelivering whatever is not acknowledged, as a real SMSC does.
 */
import net from 'node:net';
import { EventEmitter } from 'node:events';
import smpp, { type PDU } from 'smpp';
import { acceptSession, type RawPdu, type SmppSession } from '../smpp/session.js';
import { parseMessagePdu, Tlv } from '../smpp/message.js';
import { decodeText, chooseCoding, encodeText } from '../codec/text.js';
import { parseUdh, UDHI } from '../segment.js';

export interface SimulatorOptions {
  host?: string;
  port?: number;
  systemId?: string;
  password?: string;
  /** Most deliver_sm awaiting their response (default 10). */
  window?: number;
  /** Redeliver a deliver_sm not answered within this time (default 5 s). */
  responseTimeoutMs?: number;
  /** Wait before redelivering a refused deliver_sm (default 100 ms). */
  redeliveryDelayMs?: number;
  /** Delay before a delivery receipt (default 20 ms). */
  receiptDelayMs?: number;
  /** Status to answer a submit_sm with (default 0 = accepted). */
  submitStatus?: (to: string, text: string) => number;
  /** Final receipt stat for a destination (default DELIVRD). */
  receiptStat?: (to: string) => string;
}

export type MoMode = 'auto' | 'udh8' | 'udh16' | 'sar' | 'payload';

export interface MoMessage {
  from: string;
  to?: string;
  text: string;
  mode?: MoMode;
  coding?: 'gsm7' | 'ucs2' | 'latin1';
  /** Send the parts in this order (default in order). */
  order?: 'in' | 'reverse' | 'shuffle';
  /** Put this id in receipted_message_id of every PDU (an SMSC-assigned MO id). */
  smscMessageId?: string;
  /** Concatenation reference (default: a counter per simulator). */
  reference?: number;
}

export interface MtMessage {
  to: string;
  from: string;
  text: string;
  parts: number;
  messageIds: string[];
  dataCoding: number;
}

interface Delivery {
  id: number;
  /** Builds the PDU bytes for a sequence number. */
  build: (sequence: number) => Buffer;
  /** The bytes built for the first attempt; later attempts copy them with a new sequence. */
  bytes?: Buffer;
  attempts: number;
  tag?: string;
}

interface Outstanding {
  delivery: Delivery;
  sentAt: bigint;
  timer: NodeJS.Timeout;
}

/** deliver_sm bytes with optional raw TLVs appended (for malformed-input tests). */
export function buildDeliverSm(sequence: number, fields: Record<string, unknown>, rawTlvs: Array<[number, Buffer]> = []): Buffer {
  const pdu = new smpp.PDU('deliver_sm', { ...fields, sequence_number: sequence });
  const base = pdu.toBuffer();
  const extra = rawTlvs.map(([tag, value]) => {
    const header = Buffer.alloc(4);
    header.writeUInt16BE(tag, 0);
    header.writeUInt16BE(value.length, 2);
    return Buffer.concat([header, value]);
  });
  const out = Buffer.concat([base, ...extra]);
  out.writeUInt32BE(out.length, 0);
  return out;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Splits text bytes into chunks of `size` units of `unitBytes`, keeping surrogate / escape pairs whole. */
function chunkBytes(bytes: Buffer, coding: 'gsm7' | 'ucs2' | 'latin1', size: number): Buffer[] {
  const unit = coding === 'ucs2' ? 2 : 1;
  const chunks: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + size * unit, bytes.length);
    if (end < bytes.length) {
      if (coding === 'ucs2') {
        const last = bytes.readUInt16BE(end - 2);
        if (last >= 0xd800 && last <= 0xdbff) end -= 2;
      } else if (coding === 'gsm7' && bytes[end - 1] === 0x1b) {
        end -= 1;
      }
    }
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}

export class SmscSimulator extends EventEmitter {
  private server: net.Server | null = null;
  private sessions = new Set<SmppSession>();
  private receiver: SmppSession | null = null;
  private queue: Delivery[] = [];
  private outstanding = new Map<number, Outstanding>();
  private delayed = 0;
  private nextDeliveryId = 1;
  private nextMessageId = 1;
  private nextReference = 1;
  private idleWaiters: Array<() => void> = [];
  private mtParts = new Map<string, Map<number, { text: Buffer; messageId: string; dataCoding: number }>>();
  readonly options: Required<Omit<SimulatorOptions, 'submitStatus' | 'receiptStat'>> & Pick<SimulatorOptions, 'submitStatus' | 'receiptStat'>;
  /** Whole MT messages the platform sent, in completion order. */
  readonly mt: MtMessage[] = [];
  readonly stats = { deliverSent: 0, acked: 0, refused: 0, timedOut: 0, redelivered: 0, binds: 0, bindFailures: 0, submits: 0, latenciesUs: [] as number[] };

  constructor(options: SimulatorOptions = {}) {
    super();
    this.options = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      systemId: options.systemId ?? 'paidan',
      password: options.password ?? 'secret',
      window: options.window ?? 10,
      responseTimeoutMs: options.responseTimeoutMs ?? 5000,
      redeliveryDelayMs: options.redeliveryDelayMs ?? 100,
      receiptDelayMs: options.receiptDelayMs ?? 20,
      submitStatus: options.submitStatus,
      receiptStat: options.receiptStat,
    };
  }

  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  /** `smpp://system_id:password@host:port` for the platform's SMPP_URL. */
  url(systemId = this.options.systemId, password = this.options.password): string {
    return `smpp://${encodeURIComponent(systemId)}:${encodeURIComponent(password)}@${this.options.host}:${this.port}`;
  }

  get isBound(): boolean {
    return this.receiver !== null;
  }

  listen(port = this.options.port): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host, () => {
        this.options.port = this.port;
        resolve(this.port);
      });
    });
  }

  async close(): Promise<void> {
    this.dropSessions();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Cuts every connection (as an SMSC restart or network fault would). */
  dropSessions(): void {
    for (const session of this.sessions) session.destroy();
  }

  private accept(socket: net.Socket): void {
    const session = acceptSession(socket);
    this.sessions.add(session);
    let bound = false;
    const bind = (pdu: PDU) => {
      if (pdu.system_id !== this.options.systemId || pdu.password !== this.options.password) {
        this.stats.bindFailures += 1;
        this.emit('bindFailed', pdu.system_id);
        session.send(pdu.response({ command_status: smpp.errors.ESME_RBINDFAIL! }), () => session.close());
        return;
      }
      bound = true;
      this.stats.binds += 1;
      session.send(pdu.response({ system_id: 'paidan-smsc' }));
      if (pdu.command !== 'bind_transmitter') this.receiver = session;
      this.emit('bound', pdu.system_id);
      this.pump();
    };
    session.on('bind_transceiver', bind);
    session.on('bind_receiver', bind);
    session.on('bind_transmitter', bind);
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => session.send(pdu.response(), () => session.close()));
    session.on('submit_sm', (pdu: RawPdu) => {
      if (!bound) {
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVBNDSTS! }));
        return;
      }
      this.onSubmit(session, pdu);
    });
    session.on('deliver_sm_resp', (pdu: PDU) => this.onDeliverResp(pdu));
    session.on('generic_nack', (pdu: PDU) => this.onDeliverResp(pdu));
    session.on('unknown', (pdu: PDU) => session.send(pdu.response()));
    session.on('malformed', (reason: string) => this.emit('malformed', reason));
    socket.on('close', () => {
      this.sessions.delete(session);
      if (this.receiver === session) {
        this.receiver = null;
        this.requeueOutstanding();
      }
      this.emit('sessionClosed');
    });
  }

  private onSubmit(session: SmppSession, pdu: RawPdu): void {
    this.stats.submits += 1;
    let fields;
    try {
      fields = parseMessagePdu(pdu.raw!);
    } catch {
      session.send(pdu.response({ command_status: smpp.errors.ESME_RINVMSGLEN! }));
      return;
    }
    const messageId = (this.nextMessageId++).toString(16).padStart(8, '0');
    let body = fields.shortMessage.length ? fields.shortMessage : fields.tlvs.get(Tlv.message_payload) ?? Buffer.alloc(0);
    let reference = 0;
    let total = 1;
    let seq = 1;
    if (fields.esmClass & UDHI) {
      const udh = parseUdh(body);
      body = udh.payload;
      if (udh.concat) ({ reference, total, seq } = udh.concat);
    }
    const partial = decodeText(fields.dataCoding, body).text;
    const status = this.options.submitStatus?.(fields.destAddr, partial) ?? 0;
    if (status !== 0) {
      session.send(pdu.response({ command_status: status }));
      return;
    }
    session.send(pdu.response({ message_id: messageId }));
    const key = `${fields.destAddr}|${reference}|${total}`;
    const parts = this.mtParts.get(key) ?? new Map();
    parts.set(seq, { text: Buffer.from(body), messageId, dataCoding: fields.dataCoding });
    this.mtParts.set(key, parts);
    if (parts.size === total) {
      this.mtParts.delete(key);
      const ordered = [...parts.entries()].sort((a, b) => a[0] - b[0]).map(([, part]) => part);
      const message: MtMessage = {
        to: fields.destAddr,
        from: fields.sourceAddr,
        text: decodeText(fields.dataCoding, Buffer.concat(ordered.map((part) => part.text))).text,
        parts: total,
        messageIds: ordered.map((part) => part.messageId),
        dataCoding: fields.dataCoding,
      };
      this.mt.push(message);
      this.emit('mt', message);
    }
    if (fields.registeredDelivery & 0x01) {
      const stat = this.options.receiptStat?.(fields.destAddr) ?? 'DELIVRD';
      setTimeout(() => this.enqueueReceipt(messageId, fields.destAddr, fields.sourceAddr, stat), this.options.receiptDelayMs);
    }
  }

  private enqueueReceipt(messageId: string, from: string, to: string, stat: string): void {
    const date = new Date().toISOString().replace(/\D/g, '').slice(2, 12);
    const text = `id:${messageId} sub:001 dlvr:001 submit date:${date} done date:${date} stat:${stat} err:000 text:`;
    const state = stat === 'DELIVRD' ? 2 : stat === 'EXPIRED' ? 3 : stat === 'REJECTD' ? 8 : 5;
    this.enqueue({
      build: (sequence) => buildDeliverSm(sequence, {
        source_addr: from, destination_addr: to, esm_class: 0x04, data_coding: 0,
        short_message: Buffer.from(text, 'latin1'), receipted_message_id: messageId, message_state: state,
      }),
      tag: 'receipt',
    });
  }

  /** Writes bytes as they are to the bound session (framing-error tests). */
  writeRaw(bytes: Buffer): void {
    this.receiver?.socket.write(bytes);
  }

  /** Queues raw deliver_sm builders (tests of malformed input); returns their delivery ids. */
  enqueueRaw(builders: Array<(sequence: number) => Buffer>, tag = 'raw'): number[] {
    return builders.map((build) => this.enqueue({ build, tag }));
  }

  /** The deliver_sm PDUs of one MO message. */
  moPdus(message: MoMessage): Array<(sequence: number) => Buffer> {
    const coding = message.coding ?? (chooseCoding(message.text) === 'gsm7' ? 'gsm7' : 'ucs2');
    const bytes = coding === 'latin1' ? Buffer.from(message.text, 'latin1') : encodeText(message.text, coding);
    const dataCoding = coding === 'ucs2' ? 8 : coding === 'latin1' ? 3 : 0;
    const units = coding === 'ucs2' ? bytes.length / 2 : bytes.length;
    const single = coding === 'ucs2' ? 70 : coding === 'latin1' ? 140 : 160;
    const base = {
      source_addr: message.from, source_addr_ton: 0, source_addr_npi: 1,
      destination_addr: message.to ?? '12345', data_coding: dataCoding,
      ...(message.smscMessageId && { receipted_message_id: message.smscMessageId }),
    };
    let mode = message.mode ?? 'auto';
    if (mode === 'auto') mode = units <= single ? 'auto' : 'udh8';
    if (mode === 'auto') return [(seq) => buildDeliverSm(seq, { ...base, short_message: bytes })];
    if (mode === 'payload') return [(seq) => buildDeliverSm(seq, { ...base, short_message: Buffer.alloc(0), message_payload: bytes })];
    const reference = message.reference ?? (mode === 'udh8' ? this.nextReference++ & 0xff : this.nextReference++ & 0xffff);
    const perPart = mode === 'udh16' ? (coding === 'ucs2' ? 66 : coding === 'latin1' ? 133 : 152) : coding === 'ucs2' ? 67 : coding === 'latin1' ? 134 : 153;
    const chunks = chunkBytes(bytes, coding, perPart);
    const total = chunks.length;
    let builders = chunks.map((chunk, i) => (seq: number) => {
      if (mode === 'sar') {
        return buildDeliverSm(seq, { ...base, short_message: chunk, sar_msg_ref_num: reference, sar_total_segments: total, sar_segment_seqnum: i + 1 });
      }
      const udh = mode === 'udh16'
        ? Buffer.from([0x06, 0x08, 0x04, reference >> 8, reference & 0xff, total, i + 1])
        : Buffer.from([0x05, 0x00, 0x03, reference, total, i + 1]);
      return buildDeliverSm(seq, { ...base, esm_class: UDHI, short_message: Buffer.concat([udh, chunk]) });
    });
    if (message.order === 'reverse') builders = builders.reverse();
    if (message.order === 'shuffle') builders = shuffle(builders);
    return builders;
  }

  /** Sends citizens' messages to the platform; with `interleave`, all their parts are mixed. */
  sendMo(messages: MoMessage | MoMessage[], options: { interleave?: boolean } = {}): void {
    const list = Array.isArray(messages) ? messages : [messages];
    let builders = list.flatMap((message) => this.moPdus(message));
    if (options.interleave) builders = shuffle(builders);
    for (const build of builders) this.enqueue({ build, tag: 'mo' });
  }

  private enqueue(delivery: Omit<Delivery, 'id' | 'attempts'>): number {
    const id = this.nextDeliveryId++;
    this.queue.push({ ...delivery, id, attempts: 0 });
    this.pump();
    return id;
  }

  /** Deliveries not yet acknowledged (queued or awaiting a response). */
  get pending(): number {
    return this.queue.length + this.outstanding.size + this.delayed;
  }

  /** Resolves when every queued deliver_sm has been acknowledged. */
  waitIdle(timeoutMs = 30_000): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`simulator still has ${this.pending} unacknowledged deliveries`)), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private pump(): void {
    const session = this.receiver;
    while (session && session.socket.writable && this.outstanding.size < this.options.window && this.queue.length > 0) {
      const delivery = this.queue.shift()!;
      if (session.sequence >= 0x7fffffff) session.sequence = 0;
      const sequence = ++session.sequence;
      delivery.attempts += 1;
      if (delivery.attempts > 1) this.stats.redelivered += 1;
      const timer = setTimeout(() => {
        if (!this.outstanding.delete(sequence)) return;
        this.stats.timedOut += 1;
        this.queue.push(delivery);
        this.pump();
      }, this.options.responseTimeoutMs);
      this.outstanding.set(sequence, { delivery, sentAt: process.hrtime.bigint(), timer });
      this.stats.deliverSent += 1;
      let bytes: Buffer;
      if (!delivery.bytes) {
        bytes = delivery.build(sequence);
        delivery.bytes = bytes;
      } else {
        bytes = Buffer.from(delivery.bytes);
        if (bytes.length >= 16) bytes.writeUInt32BE(sequence, 12);
      }
      session.socket.write(bytes);
    }
    if (this.pending === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }

  private onDeliverResp(pdu: PDU): void {
    const entry = this.outstanding.get(pdu.sequence_number);
    if (!entry) return;
    this.outstanding.delete(pdu.sequence_number);
    clearTimeout(entry.timer);
    if (pdu.command_status === 0) {
      this.stats.acked += 1;
      this.stats.latenciesUs.push(Number(process.hrtime.bigint() - entry.sentAt) / 1000);
      this.emit('acked', entry.delivery.id, entry.delivery.tag);
    } else {
      this.stats.refused += 1;
      this.emit('refused', entry.delivery.id, pdu.command_status, entry.delivery.tag);
      const permanent = pdu.command_status === smpp.errors.ESME_RX_P_APPN || pdu.command_status === smpp.errors.ESME_RINVMSGLEN
        || pdu.command_status === smpp.errors.ESME_RINVTLVSTREAM || pdu.command_status === smpp.errors.ESME_RINVSRCADR
        || pdu.command === 'generic_nack';
      if (!permanent) {
        this.delayed += 1;
        setTimeout(() => {
          this.delayed -= 1;
          this.queue.push(entry.delivery);
          this.pump();
        }, this.options.redeliveryDelayMs);
        this.pump();
        return;
      }
    }
    this.pump();
  }

  private requeueOutstanding(): void {
    const entries = [...this.outstanding.values()];
    this.outstanding.clear();
    for (const entry of entries) clearTimeout(entry.timer);
    this.queue.unshift(...entries.map((entry) => entry.delivery));
  }
}
