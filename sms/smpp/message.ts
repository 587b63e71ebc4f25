/**
 * Reads the fields of a deliver_sm / submit_sm straight from its raw bytes (both share one
 * body layout), with every TLV kept as bytes: our codecs need the undecoded short_message and
 * message_payload, and a truncated body must be detected, not half-read.
 */

export const Tlv = {
  receipted_message_id: 0x001e,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  message_payload: 0x0424,
  message_state: 0x0427,
} as const;

export interface MessageFields {
  commandId: number;
  sequence: number;
  serviceType: string;
  sourceTon: number;
  sourceNpi: number;
  sourceAddr: string;
  destTon: number;
  destNpi: number;
  destAddr: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  shortMessage: Buffer;
  tlvs: Map<number, Buffer>;
}

export class MalformedPduError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPduError';
  }
}

class Reader {
  offset = 16;
  constructor(private readonly buffer: Buffer, private readonly end: number) {}

  int8(field: string): number {
    if (this.offset + 1 > this.end) throw new MalformedPduError(`truncated before ${field}`);
    return this.buffer[this.offset++]!;
  }

  cstring(field: string, max: number): string {
    const zero = this.buffer.indexOf(0, this.offset);
    if (zero < 0 || zero >= this.end) throw new MalformedPduError(`unterminated ${field}`);
    if (zero - this.offset > max) throw new MalformedPduError(`${field} longer than ${max}`);
    const value = this.buffer.toString('latin1', this.offset, zero);
    this.offset = zero + 1;
    return value;
  }

  bytes(field: string, length: number): Buffer {
    if (this.offset + length > this.end) throw new MalformedPduError(`${field} overruns the PDU`);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

export function parseMessagePdu(raw: Buffer): MessageFields {
  const end = Math.min(raw.length, raw.readUInt32BE(0));
  const r = new Reader(raw, end);
  const fields = {
    commandId: raw.readUInt32BE(4),
    sequence: raw.readUInt32BE(12),
    serviceType: r.cstring('service_type', 6),
    sourceTon: r.int8('source_addr_ton'),
    sourceNpi: r.int8('source_addr_npi'),
    sourceAddr: r.cstring('source_addr', 64),
    destTon: r.int8('dest_addr_ton'),
    destNpi: r.int8('dest_addr_npi'),
    destAddr: r.cstring('destination_addr', 64),
    esmClass: r.int8('esm_class'),
  };
  r.int8('protocol_id');
  r.int8('priority_flag');
  r.cstring('schedule_delivery_time', 17);
  r.cstring('validity_period', 17);
  const registeredDelivery = r.int8('registered_delivery');
  r.int8('replace_if_present_flag');
  const dataCoding = r.int8('data_coding');
  r.int8('sm_default_msg_id');
  const smLength = r.int8('sm_length');
  const shortMessage = r.bytes('short_message', smLength);
  const tlvs = new Map<number, Buffer>();
  while (r.offset < end) {
    if (r.offset + 4 > end) throw new MalformedPduError('truncated TLV header');
    const tag = raw.readUInt16BE(r.offset);
    const length = raw.readUInt16BE(r.offset + 2);
    r.offset += 4;
    tlvs.set(tag, r.bytes(`TLV 0x${tag.toString(16)}`, length));
  }
  return { ...fields, registeredDelivery, dataCoding, shortMessage, tlvs };
}

/** An unsigned integer TLV of any width (a malformed 2-byte sar_total_segments still reads). */
export function tlvUint(fields: MessageFields, tag: number): number | undefined {
  const value = fields.tlvs.get(tag);
  if (!value || value.length === 0 || value.length > 4) return undefined;
  return value.readUIntBE(0, value.length);
}

export function tlvCString(fields: MessageFields, tag: number): string | undefined {
  const value = fields.tlvs.get(tag);
  if (!value) return undefined;
  const zero = value.indexOf(0);
  return value.toString('latin1', 0, zero < 0 ? value.length : zero);
}
