// Minimal typings for the `smpp` package (v0.5.x), covering what the gateway and simulator use.
declare module 'smpp' {
  import { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  export interface PduFields {
    [field: string]: unknown;
  }

  export class PDU {
    constructor(command: string | Buffer, options?: PduFields);
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    command_length: number;
    [field: string]: unknown;
    isResponse(): boolean;
    response(options?: PduFields): PDU;
    toBuffer(): Buffer;
    static maxLength: number;
  }

  export interface SessionOptions {
    socket?: Socket;
    host?: string;
    port?: number;
    tls?: boolean;
    [option: string]: unknown;
  }

  export class Session extends EventEmitter {
    constructor(options: SessionOptions);
    socket: Socket;
    options: SessionOptions;
    sequence: number;
    paused: boolean;
    _busy: boolean;
    _command_length: number | null;
    _callbacks: Record<number, (pdu: PDU) => void>;
    send(pdu: PDU, responseCallback?: (pdu: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    _extractPDUs(): void;
  }

  export const errors: Record<string, number>;
  export const commands: Record<string, { id: number; params?: Record<string, unknown> }>;

  const smpp: {
    PDU: typeof PDU;
    Session: typeof Session;
    errors: Record<string, number>;
    commands: typeof commands;
    connect(options: { url: string } | string): Session;
  };
  export default smpp;
}
