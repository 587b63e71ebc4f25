/**
 * Every environment variable the platform reads, validated once at start-up into one typed
 * object that is passed down (no `process.env` anywhere else). The README lists them with
 * their defaults; a test keeps the two in step.
 */
import path from 'node:path';

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Reverse-proxy hops whose X-Forwarded-For entries are believed (0: the socket address is the client). */
  trustProxy: number;
  dataDir: string;
  databaseUrl: string;
  engine: { kind: 'embedded' | 'zeebe'; cacheSize: number; cacheHeapBytes: number; pollIntervalMs: number; jobConcurrency: number };
  sms: { url: string | null; sourceAddr: string; simulatorPort: number; startSimulator: boolean; webhookUrl: string | null; webhookSecret: string | null; notifyAssignedRoles: AssignableRole[] };
  photos: { dir: string; maxBytes: number; maxPixels: number; maxDistanceMeters: number; clockSkewMs: number };
  /** Unit suggestion: a point this close to a border between units goes to the dispatcher. */
  units: { borderToleranceM: number };
  /** 执法文件: where the original files are kept and the largest upload. */
  laws: { dir: string; maxBytes: number };
  /** The pages' map: a raster tile server when the bureau has one (vectors only otherwise). */
  map: { tileUrl: string | null; attribution: string | null };
  seedDemo: boolean;
  auth: AuthConfig;
}

/** Identity: built-in accounts (the bureau's policy) or Keycloak over OIDC. */
export interface AuthConfig {
  kind: 'builtin' | 'oidc';
  password: { minLength: number; maxLength: number; requireLettersAndDigits: boolean; expiryDays: number; history: number };
  lockout: { threshold: number; minutes: number };
  /** Per-IP token bucket on failed sign-ins: `burst` failures at once, refilled at `perMinute`. */
  throttle: { burst: number; perMinute: number };
  accessTokenMinutes: number;
  sessionHours: number;
  /** HS256 key of the built-in access tokens and CSRF tokens; null: generated into DATA_DIR/session-secret. */
  sessionSecret: string | null;
  cookieSecure: boolean;
  oidc: { issuer: string | null; clientId: string; audience: string; redirectUri: string };
}

export interface ConfigVariable {
  name: string;
  default: string;
  description: string;
}

/** The documented variables (README's table is generated from and checked against this list). */
export const configVariables: ConfigVariable[] = [
  { name: 'NODE_ENV', default: 'development', description: '`development`, `production` or `test`' },
  { name: 'HOST', default: '127.0.0.1', description: 'address the HTTP server listens on' },
  { name: 'PORT', default: '3000', description: 'HTTP port' },
  { name: 'TRUST_PROXY', default: '0', description: 'reverse proxies in front of the platform (nginx …) whose `X-Forwarded-For` entries to believe, counted from the right; `0` ignores the header. The client address is what sign-in throttling and the audit log record' },
  { name: 'DATA_DIR', default: 'data', description: 'folder for the SQLite file, photos and documents' },
  { name: 'DATABASE_URL', default: 'sqlite:<DATA_DIR>/paidan.sqlite', description: '`sqlite:<file>` or `mysql://user:pass@host:port/db` (MySQL 8 / MariaDB)' },
  { name: 'ENGINE', default: 'embedded', description: '`embedded` (bpmn-engine in-process) or `zeebe` (Camunda 8 through @camunda8/sdk)' },
  { name: 'ENGINE_CACHE_SIZE', default: '16', description: 'process instances the embedded engine keeps in memory between actions (~2 MiB each; the rest live in the database only)' },
  { name: 'ENGINE_CACHE_HEAP_MB', default: '192', description: 'live heap (MiB, measured after each major garbage collection) past which the embedded engine halves its in-memory instances, whatever ENGINE_CACHE_SIZE says' },
  { name: 'ENGINE_POLL_MS', default: '500', description: 'how often due timers and job retries are looked for' },
  { name: 'ENGINE_JOB_CONCURRENCY', default: '4', description: 'jobs the embedded engine runs at once' },
  { name: 'SMPP_URL', default: '(bundled simulator)', description: '`smpp://system_id:password@host:port` of the operator SMSC; unset in development starts the bundled SMSC simulator' },
  { name: 'SMPP_SOURCE_ADDR', default: '12319', description: 'the bureau\'s short code, the sender of outbound SMS' },
  { name: 'SMSC_SIMULATOR_PORT', default: '2775', description: 'port of the bundled SMSC simulator' },
  { name: 'SMS_WEBHOOK_URL', default: '(none)', description: 'POST every new inbox message as JSON to this URL (other city systems); best-effort, see the cursor endpoint' },
  { name: 'SMS_WEBHOOK_SECRET', default: '(none)', description: 'when set, the webhook body is signed: `X-Paidan-Signature: sha256=<HMAC of the body>`' },
  { name: 'PHOTO_MAX_BYTES', default: '15728640', description: 'largest photo accepted (bytes)' },
  { name: 'PHOTO_MAX_DISTANCE_M', default: '200', description: 'photo check: a photo whose GPS position is farther than this from the case is flagged (metres)' },
  { name: 'PHOTO_CLOCK_SKEW_MINUTES', default: '10', description: 'photo check: how far a photo\'s EXIF time may lie outside [task created, uploaded] before it is flagged (a phone\'s clock is rarely exact)' },
  { name: 'UNIT_BORDER_TOLERANCE_M', default: '5', description: 'unit suggestion: a case this close to a border between two units\' areas goes to the dispatcher with both candidates (metres)' },
  { name: 'LAW_MAX_BYTES', default: '20971520', description: 'largest law document (PDF, Word, ODT, Markdown, text) an admin may upload (bytes)' },
  { name: 'MAP_TILE_URL', default: '(none)', description: 'a raster tile server for the pages\' maps, as a Leaflet template (`https://tiles.example/{z}/{x}/{y}.png`, in the coordinate system the cases are stored in); unset, maps draw areas and points as vectors only (no internet needed)' },
  { name: 'MAP_TILE_ATTRIBUTION', default: '(none)', description: 'the tile server\'s attribution, shown as text in the map\'s corner' },
  { name: 'SEED_DEMO', default: 'true in development', description: 'load the demo district, units and accounts at start-up' },
  { name: 'AUTH', default: 'builtin', description: '`builtin` (accounts in the database with the bureau\'s password policy) or `oidc` (Keycloak)' },
  { name: 'PASSWORD_MIN_LENGTH', default: '8', description: 'shortest password accepted (never below 8)' },
  { name: 'PASSWORD_MAX_LENGTH', default: '32', description: 'longest password accepted (at most 128)' },
  { name: 'PASSWORD_REQUIRE_LETTERS_DIGITS', default: 'true', description: 'a password must contain a letter and a digit (等保 2.0 composition rule)' },
  { name: 'PASSWORD_EXPIRY_DAYS', default: '90', description: 'days before a password must be changed; `0` never' },
  { name: 'PASSWORD_HISTORY', default: '5', description: 'a new password may not be one of the last N' },
  { name: 'LOCKOUT_THRESHOLD', default: '5', description: 'wrong passwords in a row that lock an account' },
  { name: 'LOCKOUT_MINUTES', default: '15', description: 'how long a locked account stays locked' },
  { name: 'LOGIN_THROTTLE_BURST', default: '10', description: 'failed sign-ins one IP address may make at once before it is throttled' },
  { name: 'LOGIN_THROTTLE_PER_MINUTE', default: '5', description: 'failed sign-ins per minute one IP address regains after that' },
  { name: 'ACCESS_TOKEN_MINUTES', default: '15', description: 'lifetime of a built-in access token (JWT)' },
  { name: 'SESSION_HOURS', default: '12', description: 'lifetime of a refresh token or web session (a shift); each refresh rotates the token' },
  { name: 'SESSION_SECRET', default: '(generated into <DATA_DIR>/session-secret)', description: 'key (32+ characters) that signs built-in access tokens and CSRF tokens' },
  { name: 'COOKIE_SECURE', default: 'true in production', description: 'mark the session cookies `Secure` (HTTPS only)' },
  { name: 'OIDC_ISSUER', default: '(none; required with AUTH=oidc)', description: 'the Keycloak realm URL, e.g. `https://sso.example/realms/paidan`' },
  { name: 'OIDC_CLIENT_ID', default: 'paidan-web', description: 'the public client the web pages sign in with (authorization code + PKCE)' },
  { name: 'OIDC_AUDIENCE', default: 'paidan-api', description: 'the `aud` an access token must carry to be accepted by the API' },
  { name: 'OIDC_REDIRECT_URI', default: 'http://<HOST>:<PORT>/api/auth/oidc/callback', description: 'where Keycloak sends the browser back after sign-in' },
];

/** The roles whose people can be given a task by name (and so told of it by SMS). */
const assignableRoles = ['dispatcher', 'inspector', 'unit-lead', 'officer'] as const;
export type AssignableRole = (typeof assignableRoles)[number];

function roleList(raw: string | undefined, fallback: AssignableRole[]): AssignableRole[] {
  if (raw === undefined) return fallback;
  const list = raw.split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = list.filter((r) => !(assignableRoles as readonly string[]).includes(r));
  if (unknown.length) throw new ConfigError(`NOTIFY_ASSIGNED_ROLES takes ${assignableRoles.join(', ')} (comma-separated, empty for none), got "${raw}"`);
  return [...new Set(list)] as AssignableRole[];
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function webhookUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {
    // reported below
  }
  throw new ConfigError(`SMS_WEBHOOK_URL must be an http(s) URL, got "${raw}"`);
}

function tileUrl(raw: string | undefined): string | null {
  if (!raw?.trim()) return null;
  try {
    // the template's {z}/{x}/{y}/{s} placeholders are not part of a URL until filled in
    const url = new URL(raw.trim().replace(/\{[a-z]\}/g, '0'));
    if ((url.protocol === 'http:' || url.protocol === 'https:') && /\{z\}/.test(raw) && /\{x\}/.test(raw) && /\{y\}/.test(raw)) return raw.trim();
  } catch {
    // reported below
  }
  throw new ConfigError(`MAP_TILE_URL must be an http(s) tile template with {z}, {x} and {y}, got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const databaseUrl = env.DATABASE_URL || `sqlite:${path.join(dataDir, 'paidan.sqlite')}`;
  if (!/^(sqlite:|mysql:\/\/|mariadb:\/\/)/.test(databaseUrl)) throw new ConfigError(`DATABASE_URL must start with sqlite: or mysql://, got "${databaseUrl}"`);
  const engineKind = env.ENGINE || 'embedded';
  if (engineKind !== 'embedded' && engineKind !== 'zeebe') throw new ConfigError(`ENGINE must be embedded or zeebe, got "${engineKind}"`);
  const smsUrl = env.SMPP_URL || null;
  if (smsUrl && !/^smpp:\/\/[^:@/]+(:[^@/]*)?@[^:/]+(:\d+)?\/?$/.test(smsUrl)) throw new ConfigError('SMPP_URL must look like smpp://system_id:password@host:port');
  const sourceAddr = env.SMPP_SOURCE_ADDR || '12319';
  if (!/^\+?[0-9A-Za-z]{1,20}$/.test(sourceAddr)) throw new ConfigError(`SMPP_SOURCE_ADDR must be a short code or number, got "${sourceAddr}"`);
  const host = env.HOST || '127.0.0.1';
  const port = int(env, 'PORT', 3000, 0, 65535);
  const authKind = env.AUTH || 'builtin';
  if (authKind !== 'builtin' && authKind !== 'oidc') throw new ConfigError(`AUTH must be builtin or oidc, got "${authKind}"`);
  const oidcIssuer = env.OIDC_ISSUER || null;
  if (authKind === 'oidc' && !oidcIssuer) throw new ConfigError('OIDC_ISSUER is required with AUTH=oidc');
  if (oidcIssuer && !/^https?:\/\/[^\s]+$/.test(oidcIssuer)) throw new ConfigError(`OIDC_ISSUER must be an http(s) URL, got "${oidcIssuer}"`);
  const passwordMin = int(env, 'PASSWORD_MIN_LENGTH', 8, 8, 128);
  const passwordMax = int(env, 'PASSWORD_MAX_LENGTH', 32, 8, 128);
  if (passwordMax < passwordMin) throw new ConfigError(`PASSWORD_MAX_LENGTH (${passwordMax}) must not be below PASSWORD_MIN_LENGTH (${passwordMin})`);
  const sessionSecret = env.SESSION_SECRET || null;
  if (sessionSecret && sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET must be at least 32 characters');
  return {
    env: nodeEnv as Config['env'],
    host,
    port,
    trustProxy: int(env, 'TRUST_PROXY', 0, 0, 10),
    dataDir,
    databaseUrl,
    engine: {
      kind: engineKind,
      cacheSize: int(env, 'ENGINE_CACHE_SIZE', 16, 1, 4096),
      cacheHeapBytes: int(env, 'ENGINE_CACHE_HEAP_MB', 192, 32, 65_536) * 1024 * 1024,
      pollIntervalMs: int(env, 'ENGINE_POLL_MS', 500, 10, 60_000),
      jobConcurrency: int(env, 'ENGINE_JOB_CONCURRENCY', 4, 1, 256),
    },
    sms: {
      url: smsUrl,
      sourceAddr,
      simulatorPort: int(env, 'SMSC_SIMULATOR_PORT', 2775, 0, 65535),
      startSimulator: !smsUrl && nodeEnv !== 'production',
      webhookUrl: webhookUrl(env.SMS_WEBHOOK_URL),
      webhookSecret: env.SMS_WEBHOOK_SECRET || null,
      notifyAssignedRoles: roleList(env.NOTIFY_ASSIGNED_ROLES, ['inspector', 'officer']),
    },
    photos: {
      dir: path.join(dataDir, 'photos'),
      maxBytes: int(env, 'PHOTO_MAX_BYTES', 15 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      maxPixels: int(env, 'PHOTO_MAX_MEGAPIXELS', 120, 1, 1_000) * 1_000_000,
      maxDistanceMeters: int(env, 'PHOTO_MAX_DISTANCE_M', 200, 10, 100_000),
      clockSkewMs: int(env, 'PHOTO_CLOCK_SKEW_MINUTES', 10, 0, 24 * 60) * 60_000,
    },
    units: { borderToleranceM: int(env, 'UNIT_BORDER_TOLERANCE_M', 5, 0, 1_000) },
    laws: { dir: path.join(dataDir, 'laws'), maxBytes: int(env, 'LAW_MAX_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024) },
    map: { tileUrl: tileUrl(env.MAP_TILE_URL), attribution: env.MAP_TILE_ATTRIBUTION?.trim() || null },
    seedDemo: bool(env, 'SEED_DEMO', nodeEnv === 'development'),
    auth: {
      kind: authKind,
      password: {
        minLength: passwordMin,
        maxLength: passwordMax,
        requireLettersAndDigits: bool(env, 'PASSWORD_REQUIRE_LETTERS_DIGITS', true),
        expiryDays: int(env, 'PASSWORD_EXPIRY_DAYS', 90, 0, 3650),
        history: int(env, 'PASSWORD_HISTORY', 5, 0, 24),
      },
      lockout: { threshold: int(env, 'LOCKOUT_THRESHOLD', 5, 1, 100), minutes: int(env, 'LOCKOUT_MINUTES', 15, 1, 24 * 60) },
      throttle: { burst: int(env, 'LOGIN_THROTTLE_BURST', 10, 1, 10_000), perMinute: int(env, 'LOGIN_THROTTLE_PER_MINUTE', 5, 1, 10_000) },
      accessTokenMinutes: int(env, 'ACCESS_TOKEN_MINUTES', 15, 1, 60),
      sessionHours: int(env, 'SESSION_HOURS', 12, 1, 24 * 30),
      sessionSecret,
      cookieSecure: bool(env, 'COOKIE_SECURE', nodeEnv === 'production'),
      oidc: {
        issuer: oidcIssuer,
        clientId: env.OIDC_CLIENT_ID || 'paidan-web',
        audience: env.OIDC_AUDIENCE || 'paidan-api',
        redirectUri: env.OIDC_REDIRECT_URI || `http://${host}:${port}/api/auth/oidc/callback`,
      },
    },
  };
}
