/** Request and response schemas of the identity routes (ajv; the OpenAPI document is built from them). */
import { roles } from '../api/src/http/principal.js';
import { maxOffset } from '../api/src/validation/bounds.js';
import { deviceIdPattern } from './device.js';
import { usernameInputMax } from './username.js';
import { passwordInputMax } from './password-policy.js';

const notBlank = '\\S';
export const usernameField = { type: 'string', minLength: 1, maxLength: usernameInputMax, pattern: notBlank, description: 'case-insensitive; full-width and other compatibility forms are folded (NFKC)' };
export const passwordField = { type: 'string', minLength: 1, maxLength: passwordInputMax, pattern: notBlank };
export const deviceIdField = { type: 'string', maxLength: 40, pattern: deviceIdPattern, description: 'SIM IMSI, handset IMEI, or ESN/MEID, as the managed client reads it' };
const roleField = { type: 'string', enum: [...roles] };
const unitField = { type: ['string', 'null'], minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' };

export const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: usernameField,
    password: passwordField,
    deviceId: deviceIdField,
    session: { type: 'string', enum: ['token', 'cookie'], default: 'token', description: '`token`: access + refresh token (mobile client); `cookie`: HttpOnly session cookie + CSRF token (web pages)' },
  },
};

export const refreshBody = { type: 'object', additionalProperties: false, required: ['refreshToken'], properties: { refreshToken: { type: 'string', minLength: 20, maxLength: 128 } } };

export const changePasswordBody = {
  type: 'object', additionalProperties: false, required: ['currentPassword', 'newPassword'],
  properties: { currentPassword: passwordField, newPassword: passwordField },
};

export const meSchema = {
  type: 'object',
  required: ['username', 'displayName', 'role', 'unitId', 'groups', 'mustChangePassword'],
  properties: {
    username: { type: 'string' }, displayName: { type: 'string' }, role: roleField, unitId: { type: ['string', 'null'] },
    groups: { type: 'array', items: { type: 'string' } }, mustChangePassword: { type: 'boolean' },
  },
};

export const sessionSchema = {
  type: 'object',
  required: ['mustChangePassword', 'user'],
  properties: {
    tokenType: { type: 'string', const: 'Bearer' },
    accessToken: { type: 'string' },
    refreshToken: { type: 'string' },
    expiresIn: { type: 'integer', description: 'seconds the access token lives' },
    csrfToken: { type: 'string', description: 'cookie sessions: send it in X-CSRF-Token with every write' },
    mustChangePassword: { type: 'boolean' },
    passwordExpired: { type: 'boolean' },
    user: meSchema,
  },
};

export const policySchema = {
  type: 'object',
  properties: {
    minLength: { type: 'integer' }, maxLength: { type: 'integer' }, requireLettersAndDigits: { type: 'boolean' }, expiryDays: { type: 'integer' },
    history: { type: 'integer' }, lockoutThreshold: { type: 'integer' }, lockoutMinutes: { type: 'integer' },
  },
};

export const userSchema = {
  type: 'object',
  properties: {
    username: { type: 'string' }, displayName: { type: 'string' }, mobile: { type: 'string' }, role: roleField, unitId: { type: ['string', 'null'] },
    disabled: { type: 'boolean' }, locked: { type: 'boolean' }, lockedUntil: { type: ['string', 'null'] }, mustChangePassword: { type: 'boolean' },
    passwordChangedAt: { type: 'string' }, passwordExpiresAt: { type: ['string', 'null'] }, boundDeviceId: { type: ['string', 'null'] },
    requireDeviceBinding: { type: 'boolean' }, createdAt: { type: 'string' },
  },
};

export const userWithPasswordSchema = {
  type: 'object',
  properties: { user: userSchema, temporaryPassword: { type: 'string', description: 'only when the server generated it: give it to the user once' } },
};

export const createUserBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'displayName', 'mobile', 'role'],
  properties: {
    username: usernameField,
    displayName: { type: 'string', minLength: 1, maxLength: 64, pattern: notBlank },
    mobile: { type: 'string', minLength: 6, maxLength: 20, pattern: '^\\+?[0-9 -]{6,20}$' },
    role: roleField,
    unitId: unitField,
    password: { ...passwordField, description: 'a temporary password (the user must change it); omitted: one is generated' },
    requireDeviceBinding: { type: 'boolean' },
    deviceId: deviceIdField,
  },
};

export const usernameParams = { type: 'object', required: ['username'], properties: { username: usernameField } };

export const listUsersQuery = {
  type: 'object',
  properties: {
    role: roleField,
    unitId: { type: 'string', maxLength: 32 },
    q: { type: 'string', maxLength: 64 },
    offset: { type: 'integer', minimum: 0, maximum: maxOffset, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
};

export const resetPasswordBody = { type: 'object', additionalProperties: false, properties: { password: passwordField } };
export const deviceBody = {
  type: 'object', additionalProperties: false, required: ['deviceId'],
  properties: { deviceId: { oneOf: [deviceIdField, { type: 'null' }] }, requireBinding: { type: 'boolean' } },
};
export const roleBody = { type: 'object', additionalProperties: false, required: ['role', 'unitId'], properties: { role: roleField, unitId: unitField } };
export const oidcLoginQuery = { type: 'object', properties: { returnTo: { type: 'string', maxLength: 512 } } };
