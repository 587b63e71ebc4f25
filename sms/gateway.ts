/**
 * The ESME side of SMPP: binds as a transceiver to the SMSC, keeps the link alive with
 * enquire_link, reconnects with exponential backoff after any drop, bounds outstanding
 * submit_sm to a window, and hands each deliver_sm to `onDeliver`, answering with the status
 * it returns (so the acknowledgement waits for the database commit).
 */
import { EventEmitter } from 'node:events';
import smpp, { type PDU } from 'smpp';
import { connectSession, type RawPdu, type SmppSession } from './smpp/session.js';
import { MalformedPduError, parseMessagePdu, type MessageFields } from './smpp/message.js';
import type { OutboundPart } from './segment.js';
import { smppAddress } from './phone.js';

export interface SmppUrl {
  host: string;
  port: number;
  systemId: string;
  password: string;
}

/** Parses `smpp://system_id:password@host:port`. */
export function parseSmppUrl(url: string): SmppUrl {
  const parsed = new URL(url);
  if (parsed.protocol !== 'smpp:') throw new Error(`SMPP_URL must start with smpp:// (got "${parsed.protocol}")`);
  if (!parsed.username) throw new Error('SMPP_URL needs a system_id: smpp://system_id:password@host:port');
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 2775),
    systemId: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

export interface GatewayConfig {
  url: string;
  /** Our source address for MT messages (the bureau's short code). */
  sourceAddr?: string | null;
  /** Most submit_sm awaiting their response (default 10). */
  windowSize?: number;
  /** enquire_link period once bound (default 30 s). */
  enquireLinkMs?: number;
  /** How long to wait for any response before giving up (default 10 s). */
  responseTimeoutMs?: number;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  systemType?: string;
}

export interface Logger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Thrown for a submit that could not be completed; `transient` says whether a retry may help. */
export class SubmitError extends Error {
  constructor(message: string, readonly status: number | null, readonly transient: boolean) {
    super(message);
    this.name = 'SubmitError';
  }
}

const TRANSIENT_STATUSES = new Set([0x08, 0x14, 0x58, 0x64, 0xfe, 0xff]);

export type DeliverHandler = (fields: MessageFields) => Promise<number>;

export class SmppGateway extends EventEmitter {
  private readonly target: SmppUrl;
  private readonly windowSize: number;
  private readonly enquireLinkMs: number;
  private readonly responseTimeoutMs: number;
  private readonly reconnectInitialMs: number;
  private readonly reconnectMaxMs: number;
  private session: SmppSession | null = null;
  private bound = false;
  private stopped = true;
  private reconnectDelay: number;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private enquireTimer: NodeJS.Timeout | null = null;
  private outstanding = 0;
  private windowWaiters: Array<() => void> = [];
  private inflight = new Map<number, { reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private boundWaiters: Array<() => void> = [];
  /** Counters for tests and the bench. */
  readonly stats = { binds: 0, drops: 0, delivers: 0, submits: 0 };

  constructor(
    private readonly config: GatewayConfig,
    private readonly onDeliver: DeliverHandler,
    private readonly logger: Logger = silentLogger,
  ) {
    super();
    this.target = parseSmppUrl(config.url);
    this.windowSize = config.windowSize ?? 10;
    this.enquireLinkMs = config.enquireLinkMs ?? 30_000;
    this.responseTimeoutMs = config.responseTimeoutMs ?? 10_000;
    this.reconnectInitialMs = config.reconnectInitialMs ?? 500;
    this.reconnectMaxMs = config.reconnectMaxMs ?? 30_000;
    this.reconnectDelay = this.reconnectInitialMs;
  }

  get isBound(): boolean {
    return this.bound;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Resolves once bound (immediately when already bound). */
  whenBound(): Promise<void> {
    if (this.bound) return Promise.resolve();
    return new Promise((resolve) => this.boundWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const session = this.session;
    if (!session) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => session.destroy(), 1000);
      session.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.bound && session.socket.writable) session.send(new smpp.PDU('unbind', {}), () => session.close());
      else session.destroy();
    });
  }

  /** Drops the link (tests, operator action); it reconnects unless stopped. */
  dropLink(): void {
    this.session?.destroy();
  }

  private connect(): void {
    const session = connectSession({ host: this.target.host, port: this.target.port });
    this.session = session;
    session.on('connect', () => {
      session.send(new smpp.PDU('bind_transceiver', {
        system_id: this.target.systemId,
        password: this.target.password,
        system_type: this.config.systemType ?? '',
        interface_version: 0x34,
      }), (pdu: PDU) => {
        if (pdu.command_status !== 0) {
          this.logger.error('smpp bind refused', { status: pdu.command_status, systemId: this.target.systemId });
          this.emit('bindFailed', pdu.command_status);
          session.destroy();
          return;
        }
        this.bound = true;
        this.stats.binds += 1;
        this.reconnectDelay = this.reconnectInitialMs;
        this.logger.info('smpp bound', { host: this.target.host, port: this.target.port });
        this.startEnquireLink(session);
        const waiters = this.boundWaiters;
        this.boundWaiters = [];
        for (const waiter of waiters) waiter();
        this.emit('bound');
      });
    });
    session.on('deliver_sm', (pdu: RawPdu) => void this.handleDeliver(session, pdu));
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('unknown', (pdu: PDU) => {
      this.logger.warn('smpp unknown command', { commandId: pdu.command_id });
      session.send(pdu.response());
    });
    for (const command of ['data_sm', 'submit_sm', 'query_sm', 'replace_sm', 'cancel_sm', 'submit_multi', 'alert_notification']) {
      session.on(command, (pdu: PDU) => {
        if (command !== 'alert_notification') session.send(pdu.response({ command_status: smpp.errors.ESME_RINVCMDID! }));
      });
    }
    session.on('generic_nack', (pdu: PDU) => this.logger.warn('smpp generic_nack', { status: pdu.command_status, sequence: pdu.sequence_number }));
    session.on('malformed', (reason: string) => this.logger.warn('smpp malformed PDU', { reason }));
    session.on('handlerError', (error: Error) => this.logger.error('smpp handler error', { error: error.message }));
    session.on('error', (error: Error) => this.logger.warn('smpp socket error', { error: error.message }));
    session.socket.once('close', () => this.onClose(session));
  }

  private startEnquireLink(session: SmppSession): void {
    if (this.enquireTimer) clearInterval(this.enquireTimer);
    this.enquireTimer = setInterval(() => {
      if (session !== this.session || !this.bound) return;
      const timer = setTimeout(() => {
        this.logger.warn('smpp enquire_link unanswered, dropping the link');
        session.destroy();
      }, this.responseTimeoutMs);
      session.send(new smpp.PDU('enquire_link', {}), () => clearTimeout(timer));
    }, this.enquireLinkMs);
  }

  private onClose(session: SmppSession): void {
    if (session !== this.session) return;
    const wasBound = this.bound;
    this.bound = false;
    this.session = null;
    if (this.enquireTimer) clearInterval(this.enquireTimer);
    this.enquireTimer = null;
    for (const [, pending] of this.inflight) {
      clearTimeout(pending.timer);
      pending.reject(new SubmitError('SMPP link dropped before submit_sm_resp', null, true));
    }
    this.inflight.clear();
    if (wasBound) {
      this.stats.drops += 1;
      this.emit('unbound');
    }
    if (this.stopped) return;
    const delay = Math.round(this.reconnectDelay * (0.75 + Math.random() * 0.5));
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.reconnectMaxMs);
    this.logger.warn('smpp link closed, reconnecting', { delayMs: delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private async handleDeliver(session: SmppSession, pdu: RawPdu): Promise<void> {
    this.stats.delivers += 1;
    let status: number;
    try {
      const fields = parseMessagePdu(pdu.raw!);
      status = await this.onDeliver(fields);
    } catch (error) {
      if (error instanceof MalformedPduError) {
        this.logger.warn('smpp malformed deliver_sm', { reason: error.message });
        status = /TLV/.test(error.message) ? smpp.errors.ESME_RINVTLVSTREAM! : smpp.errors.ESME_RINVMSGLEN!;
      } else {
        this.logger.error('deliver_sm not stored', { error: (error as Error).message });
        status = smpp.errors.ESME_RX_T_APPN!;
      }
    }
    // If the link dropped meanwhile the SMSC redelivers; the store recognises the repeat.
    if (session === this.session && session.socket.writable) session.send(pdu.response({ command_status: status, message_id: '' }));
  }

  private async acquireWindow(): Promise<void> {
    while (this.outstanding >= this.windowSize) await new Promise<void>((resolve) => this.windowWaiters.push(resolve));
    this.outstanding += 1;
  }

  private releaseWindow(): void {
    this.outstanding -= 1;
    this.windowWaiters.shift()?.();
  }

  /** Submits one part; resolves with the SMSC's message id. */
  async submitPart(to: string, part: OutboundPart, registeredDelivery = 1): Promise<string> {
    await this.acquireWindow();
    try {
      const session = this.session;
      if (!session || !this.bound) throw new SubmitError('SMPP link is not bound', null, true);
      const destination = smppAddress(to);
      const source = this.config.sourceAddr ?? '';
      const pdu = new smpp.PDU('submit_sm', {
        source_addr_ton: /^\d+$/.test(source) ? 0 : 5,
        source_addr_npi: /^\d+$/.test(source) ? 0 : 0,
        source_addr: source,
        dest_addr_ton: destination.ton,
        dest_addr_npi: destination.npi,
        destination_addr: destination.addr,
        esm_class: part.esmClass,
        registered_delivery: registeredDelivery,
        data_coding: part.dataCoding,
        short_message: part.shortMessage,
      });
      return await new Promise<string>((resolve, reject) => {
        const sent = session.send(pdu, (response: PDU) => {
          const pending = this.inflight.get(pdu.sequence_number);
          if (!pending) return;
          clearTimeout(pending.timer);
          this.inflight.delete(pdu.sequence_number);
          if (response.command_status === 0) {
            this.stats.submits += 1;
            resolve(String(response.message_id ?? ''));
          } else {
            const status = response.command_status;
            reject(new SubmitError(`submit_sm refused with status 0x${status.toString(16)}`, status, TRANSIENT_STATUSES.has(status)));
          }
        });
        if (!sent) {
          reject(new SubmitError('SMPP socket is not writable', null, true));
          return;
        }
        const timer = setTimeout(() => {
          this.inflight.delete(pdu.sequence_number);
          delete session._callbacks[pdu.sequence_number];
          reject(new SubmitError('submit_sm_resp timed out', null, true));
        }, this.responseTimeoutMs);
        this.inflight.set(pdu.sequence_number, { reject, timer });
      });
    } finally {
      this.releaseWindow();
    }
  }
}
