import { expect } from 'chai';
import {
  decodeText, encodeText, chooseCoding, encodeGsmSeptets, decodeGsmSeptets, packSeptets, unpackSeptets,
  decodeUcs2, encodeUcs2, segmentText, parseUdh, normalizePhone, InvalidPhoneError, TextTooLongError, MalformedUdhError,
} from './index.js';

describe('sms codecs', () => {
  describe('GSM 03.38', () => {
    it('round-trips the basic and extension tables through septets', () => {
      const text = 'Hello @£$ ÄÖÑÜ {x} [y] ~|^ \\ €5';
      const septets = encodeGsmSeptets(text)!;
      expect(septets).to.not.equal(null);
      expect(septets.filter((s) => s === 0x1b)).to.have.length(9);
      expect(decodeGsmSeptets(septets)).to.equal(text);
    });

    it('refuses characters outside the alphabet', () => {
      expect(encodeGsmSeptets('投诉')).to.equal(null);
      expect(chooseCoding('投诉 hello')).to.equal('ucs2');
      expect(chooseCoding('hello {}€')).to.equal('gsm7');
    });

    it('packs and unpacks septets (the 03.38 "hellohello" example)', () => {
      const septets = encodeGsmSeptets('hellohello')!;
      const packed = packSeptets(septets);
      expect(packed.toString('hex')).to.equal('e8329bfd4697d9ec37');
      expect(decodeGsmSeptets(unpackSeptets(packed))).to.equal('hellohello');
    });

    it('drops the zero padding septet when 8 septets fill 7 octets only if it is padding', () => {
      const seven = packSeptets(encodeGsmSeptets('1234567')!);
      expect(seven.length).to.equal(7);
      expect(decodeGsmSeptets(unpackSeptets(seven))).to.equal('1234567');
    });

    it('decodes packed text after a UDH with fill bits', () => {
      const septets = encodeGsmSeptets('abc€')!;
      const packed = packSeptets(septets, 1);
      expect(decodeText(0, packed, { gsmPacked: true, fillBits: 1 }).text).to.equal('abc€');
    });

    it('decodes the unpacked one-septet-per-byte form SMSCs send, with ESC pairs', () => {
      const bytes = Buffer.from([0x48, 0x69, 0x1b, 0x65, 0x1b, 0x28, 0x1b, 0x29]);
      expect(decodeText(0, bytes)).to.deep.equal({ text: 'Hi€{}' });
    });

    it('shows the basic character for an unknown escape and drops a trailing ESC', () => {
      expect(decodeGsmSeptets([0x1b, 0x41, 0x42, 0x1b])).to.equal('AB');
    });
  });

  describe('UCS-2', () => {
    it('keeps surrogate pairs intact both ways', () => {
      const text = '投诉😀占道经营𠮷';
      const bytes = encodeUcs2(text);
      expect(bytes.length).to.equal(text.length * 2);
      expect(decodeUcs2(bytes)).to.deep.equal({ text });
    });

    it('reports an odd length instead of throwing', () => {
      const result = decodeText(8, Buffer.from([0x62, 0x95, 0x8b]));
      expect(result.text).to.equal('投\ufffd');
      expect(result.error).to.match(/odd length/);
    });

    it('reports unpaired surrogates', () => {
      const high = decodeUcs2(Buffer.from([0xd8, 0x3d, 0x00, 0x41]));
      expect(high.text).to.equal('\ufffdA');
      expect(high.error).to.match(/unpaired high surrogate/);
      const low = decodeUcs2(Buffer.from([0xde, 0x00]));
      expect(low.text).to.equal('\ufffd');
      expect(low.error).to.match(/unpaired low surrogate/);
    });
  });

  it('decodes Latin-1 / ASCII and GBK', () => {
    expect(decodeText(3, Buffer.from('café', 'latin1')).text).to.equal('café');
    expect(decodeText(1, Buffer.from('hello')).text).to.equal('hello');
    expect(decodeText(0x0f, Buffer.from([0xcd, 0xb6, 0xcb, 0xdf])).text).to.equal('投诉');
    expect(decodeText(0x42, Buffer.from([1])).error).to.match(/unsupported data_coding/);
  });

  describe('segmentation', () => {
    it('sends short text in one part without UDH', () => {
      const seg = segmentText('您反映的问题已受理', 7);
      expect(seg.coding).to.equal('ucs2');
      expect(seg.parts).to.have.length(1);
      expect(seg.parts[0]!.esmClass).to.equal(0);
    });

    it('splits long UCS-2 text into 67-unit parts with an 8-bit concatenation UDH', () => {
      const text = '城'.repeat(150);
      const seg = segmentText(text, 42);
      expect(seg.parts).to.have.length(3);
      const udh = parseUdh(seg.parts[0]!.shortMessage);
      expect(udh.concat).to.deep.equal({ reference: 42, referenceBits: 8, total: 3, seq: 1 });
      expect(udh.payload.length).to.equal(134);
      const joined = Buffer.concat(seg.parts.map((p) => parseUdh(p.shortMessage).payload));
      expect(decodeText(8, joined).text).to.equal(text);
    });

    it('never splits a surrogate pair', () => {
      const text = `${'a投'.repeat(33)}😀${'b'.repeat(40)}`; // the emoji straddles unit 67
      const seg = segmentText(text, 1);
      for (const part of seg.parts) expect(decodeText(8, parseUdh(part.shortMessage).payload).error).to.equal(undefined);
      expect(seg.parts.map((p) => decodeText(8, parseUdh(p.shortMessage).payload).text).join('')).to.equal(text);
    });

    it('never splits a GSM escape pair and uses 153 septets per part', () => {
      const text = `${'x'.repeat(152)}€${'y'.repeat(20)}`;
      const seg = segmentText(text, 2);
      expect(seg.coding).to.equal('gsm7');
      const first = parseUdh(seg.parts[0]!.shortMessage).payload;
      expect(first.length).to.equal(152);
      expect(seg.parts.map((p) => decodeText(0, parseUdh(p.shortMessage).payload).text).join('')).to.equal(text);
      expect(segmentText('x'.repeat(160), 0).parts).to.have.length(1);
      expect(segmentText('x'.repeat(161), 0).parts).to.have.length(2);
    });

    it('refuses text beyond 255 parts', () => {
      expect(() => segmentText('中'.repeat(67 * 255 + 1), 0)).to.throw(TextTooLongError);
    });

    it('parses 16-bit references and rejects malformed UDHs', () => {
      const udh = parseUdh(Buffer.from([0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01, 0x41]));
      expect(udh.concat).to.deep.equal({ reference: 0x1234, referenceBits: 16, total: 2, seq: 1 });
      expect(() => parseUdh(Buffer.from([0x09, 0x00, 0x03]))).to.throw(MalformedUdhError);
      expect(() => parseUdh(Buffer.from([0x05, 0x00, 0x04, 1, 2, 3]))).to.throw(MalformedUdhError);
    });
  });

  describe('phone numbers', () => {
    it('normalises Chinese mobiles and keeps other E.164 numbers', () => {
      expect(normalizePhone('13800138000')).to.equal('13800138000');
      expect(normalizePhone('+86 138-0013-8000')).to.equal('13800138000');
      expect(normalizePhone('8613800138000')).to.equal('13800138000');
      expect(normalizePhone('008613800138000')).to.equal('13800138000');
      expect(normalizePhone('+85291234567')).to.equal('+85291234567');
    });

    it('refuses invalid numbers with a clear error', () => {
      for (const bad of ['12800138000', '1380013800', 'abc', '+86123', '', '+0123456']) {
        expect(() => normalizePhone(bad), bad).to.throw(InvalidPhoneError, /not a valid mobile number/);
      }
    });
  });

  it('encodes GSM text as one septet per byte', () => {
    expect([...encodeText('A€', 'gsm7')]).to.deep.equal([0x41, 0x1b, 0x65]);
  });
});
