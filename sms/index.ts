/**
 * The SMS channel's public surface: codecs, segmentation, phone validation, the stores,
 * the SMPP gateway, `createSms` (what the composition root wires) and the SMSC simulator.
 */
export { decodeText, encodeText, chooseCoding, dataCodingOf, alphabetOf, DataCoding, type TextCoding, type DecodeResult } from './codec/text.js';
export { encodeGsmSeptets, decodeGsmSeptets, packSeptets, unpackSeptets, isGsmEncodable } from './codec/gsm7.js';
export { encodeUcs2, decodeUcs2 } from './codec/ucs2.js';
export { segmentText, partCount, parseUdh, concatUdh, CAPACITY, MAX_PARTS, TextTooLongError, MalformedUdhError, type OutboundPart, type Concatenation } from './segment.js';
export { normalizePhone, isValidPhone, InvalidPhoneError } from './phone.js';
export { InboxStore, type InboxMessage, type InboxListQuery, type InboxPage, type IncompleteGroup } from './inbox-store.js';
export { OutboxStore, EmptyTextError, type EnqueueInput, type OutboxMessage } from './outbox-store.js';
export { SmppGateway, parseSmppUrl, SubmitError, silentLogger, type GatewayConfig, type Logger } from './gateway.js';
export { createSms, type Sms, type SmsConfig } from './service.js';
export { createAssignmentNotices, assignmentNoticeText, type AssignmentNoticeConfig, type ContactLookup } from './assignment-notice.js';
export { createCaseMessageLinks } from './case-link.js';
export { smsEntities, type InboxRow, type OutboxRow, type OutboxState } from './entities.js';
export { SmscSimulator, type SimulatorOptions, type MoMessage, type MtMessage } from './simulator/smsc.js';
