/**
 * Long messages: outbound text split into concatenated parts with a UDH (IE 0x00, 8-bit
 * reference), and inbound UDH parsing (IE 0x00 8-bit and IE 0x08 16-bit references).
 * A part boundary never falls inside a GSM escape pair or a UTF-16 surrogate pair.
 */
import { chooseCoding, dataCodingOf, encodeText, type TextCoding } from './codec/text.js';
import { encodeGsmSeptets } from './codec/gsm7.js';

export const UDHI = 0x40;
export const MAX_PARTS = 255;

/** Single-part capacity and per-part capacity of a concatenated message (septets or UTF-16 units). */
export const CAPACITY = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

export interface OutboundPart {
  /** short_message bytes: UDH (when concatenated) followed by the text bytes. */
  shortMessage: Buffer;
  esmClass: number;
  dataCoding: number;
  seq: number;
  total: number;
}

export interface Segmentation {
  coding: TextCoding;
  dataCoding: number;
  parts: OutboundPart[];
}

export class TextTooLongError extends Error {
  constructor(readonly parts: number) {
    super(`text needs ${parts} parts; at most ${MAX_PARTS} are possible`);
    this.name = 'TextTooLongError';
  }
}

/** Splits `units` into chunks of at most `size`, never ending a chunk on a unit `keepWithNext` flags. */
function chunk<T>(units: T[], size: number, keepWithNext: (unit: T) => boolean): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  while (start < units.length) {
    let end = Math.min(start + size, units.length);
    if (end < units.length && keepWithNext(units[end - 1]!)) end -= 1;
    chunks.push(units.slice(start, end));
    start = end;
  }
  return chunks;
}

export function concatUdh(reference: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, seq]);
}

/** Splits `text` for submit_sm. `reference` is the 8-bit concatenation reference (0–255). */
export function segmentText(text: string, reference: number, coding: TextCoding = chooseCoding(text)): Segmentation {
  const dataCoding = dataCodingOf(coding);
  let chunks: Buffer[];
  if (coding === 'gsm7') {
    const septets = encodeGsmSeptets(text);
    if (!septets) throw new RangeError('text has characters outside the GSM 03.38 alphabet');
    chunks = septets.length <= CAPACITY.gsm7.single
      ? [Buffer.from(septets)]
      : chunk(septets, CAPACITY.gsm7.part, (s) => s === 0x1b).map((c) => Buffer.from(c));
  } else {
    const units = Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
    chunks = units.length <= CAPACITY.ucs2.single
      ? [encodeText(text, 'ucs2')]
      : chunk(units, CAPACITY.ucs2.part, (u) => u >= 0xd800 && u <= 0xdbff).map((c) => encodeText(String.fromCharCode(...c), 'ucs2'));
  }
  if (chunks.length > MAX_PARTS) throw new TextTooLongError(chunks.length);
  if (chunks.length === 1) {
    return { coding, dataCoding, parts: [{ shortMessage: chunks[0]!, esmClass: 0, dataCoding, seq: 1, total: 1 }] };
  }
  const total = chunks.length;
  return {
    coding,
    dataCoding,
    parts: chunks.map((bytes, i) => ({
      shortMessage: Buffer.concat([concatUdh(reference, total, i + 1), bytes]),
      esmClass: UDHI,
      dataCoding,
      seq: i + 1,
      total,
    })),
  };
}

/** How many parts `text` takes. */
export function partCount(text: string): number {
  return segmentText(text, 0).parts.length;
}

export interface Concatenation {
  reference: number;
  /** 8 for IE 0x00 / sar with an 8-bit value, 16 for IE 0x08 / sar_msg_ref_num. */
  referenceBits: 8 | 16;
  total: number;
  seq: number;
}

export interface ParsedUdh {
  concat?: Concatenation;
  /** The bytes after the UDH. */
  payload: Buffer;
  /** Length of the UDH including its length octet (for packed GSM fill bits). */
  udhLength: number;
}

export class MalformedUdhError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedUdhError';
  }
}

/** Parses the UDH at the start of a short_message whose esm_class has the UDHI bit. */
export function parseUdh(message: Buffer): ParsedUdh {
  if (message.length < 1) throw new MalformedUdhError('UDHI set but short_message is empty');
  const udhl = message[0]!;
  if (1 + udhl > message.length) throw new MalformedUdhError(`UDH length ${udhl} exceeds the message (${message.length} bytes)`);
  let concat: Concatenation | undefined;
  let offset = 1;
  while (offset < 1 + udhl) {
    if (offset + 2 > 1 + udhl) throw new MalformedUdhError('truncated information element in UDH');
    const iei = message[offset]!;
    const iel = message[offset + 1]!;
    const data = message.subarray(offset + 2, offset + 2 + iel);
    if (offset + 2 + iel > 1 + udhl) throw new MalformedUdhError(`information element 0x${iei.toString(16)} overruns the UDH`);
    if (iei === 0x00) {
      if (iel !== 3) throw new MalformedUdhError(`concatenation IE 0x00 has length ${iel}, expected 3`);
      concat = { reference: data[0]!, referenceBits: 8, total: data[1]!, seq: data[2]! };
    } else if (iei === 0x08) {
      if (iel !== 4) throw new MalformedUdhError(`concatenation IE 0x08 has length ${iel}, expected 4`);
      concat = { reference: data.readUInt16BE(0), referenceBits: 16, total: data[2]!, seq: data[3]! };
    }
    offset += 2 + iel;
  }
  return { concat, payload: message.subarray(1 + udhl), udhLength: 1 + udhl };
}

/** Why a concatenation header cannot be honoured, or undefined when it is sound. */
export function concatProblem(concat: Concatenation): string | undefined {
  if (concat.total < 1 || concat.total > MAX_PARTS) return `claims ${concat.total} parts (1–${MAX_PARTS} allowed)`;
  if (concat.seq < 1 || concat.seq > concat.total) return `part ${concat.seq} of ${concat.total} is out of range`;
  return undefined;
}
