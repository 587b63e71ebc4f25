/**
 * A hardened `smpp` Session: frames PDUs itself so a malformed or oversized PDU is answered
 * with generic_nack (or closes the link when framing is lost) instead of stalling the session,
 * and keeps each PDU's raw bytes so message text is decoded by our codecs, not the library's.
 */
import type { Socket } from 'node:net';
import smpp, { type PDU, type SessionOptions } from 'smpp';

export const MAX_PDU_LENGTH = 70_000;

export interface RawPdu extends PDU {
  raw?: Buffer;
}

export interface SmppSession extends InstanceType<typeof smpp.Session> {
  /** Emitted as ('malformed', reason, rawBuffer) for PDUs that could not be parsed. */
  on(event: string, listener: (...args: never[]) => void): this;
}

const errors = smpp.errors;

/** Reads PDUs from the socket; what the library would throw on becomes 'malformed'. */
function extractPdus(this: InstanceType<typeof smpp.Session>): void {
  if (this._busy) return;
  this._busy = true;
  try {
    while (!this.paused) {
      const socket = this.socket;
      if (this._command_length === null || this._command_length === undefined || this._command_length === 0) {
        const head = socket.read(4) as Buffer | null;
        if (!head) break;
        const length = head.readUInt32BE(0);
        if (length < 16 || length > MAX_PDU_LENGTH) {
          // Framing is lost: nothing after this can be trusted. Tell the peer and drop the link.
          this.emit('malformed', `invalid command_length ${length}`, head);
          const nack = new smpp.PDU('generic_nack', { command_status: errors.ESME_RINVCMDLEN!, sequence_number: 0 });
          socket.write(nack.toBuffer());
          socket.destroy();
          break;
        }
        this._command_length = length;
      }
      const body = socket.read(this._command_length - 4) as Buffer | null;
      if (!body) break;
      const raw = Buffer.alloc(this._command_length);
      raw.writeUInt32BE(this._command_length, 0);
      body.copy(raw, 4);
      this._command_length = null;
      let pdu: RawPdu;
      try {
        pdu = new smpp.PDU(raw) as RawPdu;
      } catch (error) {
        const sequence = raw.readUInt32BE(12);
        const commandId = raw.readUInt32BE(4);
        this.emit('malformed', `unparsable PDU 0x${commandId.toString(16)}: ${(error as Error).message}`, raw);
        if (!(commandId & 0x80000000)) {
          this.send(new smpp.PDU('generic_nack', { command_status: errors.ESME_RINVCMDLEN!, sequence_number: sequence }));
        }
        continue;
      }
      pdu.raw = raw;
      try {
        this.emit('pdu', pdu);
        this.emit(pdu.command, pdu);
        const callback = pdu.isResponse() ? this._callbacks[pdu.sequence_number] : undefined;
        if (callback) {
          delete this._callbacks[pdu.sequence_number];
          callback(pdu);
        }
      } catch (error) {
        this.emit('handlerError', error);
      }
    }
  } finally {
    this._busy = false;
  }
}

/** A client session to `host:port` (not yet bound). */
export function connectSession(options: { host: string; port: number }): SmppSession {
  const session = new smpp.Session({ host: options.host, port: options.port } as SessionOptions) as SmppSession;
  harden(session);
  return session;
}

/** A server-side session over an accepted socket. */
export function acceptSession(socket: Socket): SmppSession {
  const session = new smpp.Session({ socket }) as SmppSession;
  harden(session);
  return session;
}

function harden(session: InstanceType<typeof smpp.Session>): void {
  // message_payload may carry up to 64 KB; the library's default ceiling is 16 KB.
  if (smpp.PDU.maxLength < MAX_PDU_LENGTH) smpp.PDU.maxLength = MAX_PDU_LENGTH;
  // The constructor bound the prototype reader to 'readable'; swap it for ours.
  session.socket.removeAllListeners('readable');
  session.socket.on('readable', extractPdus.bind(session));
  // An 'error' without a listener would throw out of the event loop.
  session.on('error', () => undefined);
}
