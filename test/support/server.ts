/**
 * The whole platform on a test database and free ports (HTTP and the SMSC simulator), with
 * the demo district and accounts, and a small HTTP client that signs in as a demo user.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../api/src/config.js';
import { startServer, type RunningServer } from '../../api/src/server.js';
import { demoPassword } from '../../api/src/demo.js';
import { createTestDatabaseUrl } from './database.js';

export interface TestServer extends RunningServer {
  signIn(username: string, password?: string): Promise<ApiClient>;
  anonymous(): ApiClient;
  /**
   * Stops this server and starts another on the same database and data folder (a restart):
   * close the returned one, which removes both; closing this one then does nothing more.
   */
  restart(): Promise<TestServer>;
  close(): Promise<void>;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(readonly baseUrl: string, readonly token: string | null, readonly username: string | null = null) {}

  async request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${url}`, init);
    const type = response.headers.get('content-type') ?? '';
    const parsed = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(url: string) {
    return this.request<T>('GET', url);
  }

  post<T = any>(url: string, body?: unknown) {
    return this.request<T>('POST', url, body ?? {});
  }
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const db = await createTestDatabaseUrl();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-api-'));
  const cleanup = async () => {
    await db.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const settings = {
    NODE_ENV: 'test', DATABASE_URL: db.url, DATA_DIR: dataDir, PORT: '0', SMSC_SIMULATOR_PORT: '0', SEED_DEMO: 'true', ENGINE_POLL_MS: '50',
    ...env,
  };
  let running: RunningServer;
  try {
    running = await startServer(loadConfig(settings));
  } catch (error) {
    // a server that cannot start (a bad setting under test) leaves no database or folder behind
    await cleanup();
    throw error;
  }
  return testServer(running, settings, cleanup);
}

function testServer(running: RunningServer, settings: Record<string, string>, cleanup: () => Promise<void>): TestServer {
  let stopped = false;
  let handedOver = false;
  const server: TestServer = {
    ...running,
    anonymous: () => new ApiClient(running.url, null),
    async signIn(username: string, password = demoPassword) {
      const response = await new ApiClient(running.url, null).post<{ accessToken: string }>('/api/auth/login', { username, password });
      if (response.status !== 200) throw new Error(`sign-in of ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
      return new ApiClient(running.url, response.body.accessToken, username);
    },
    async restart() {
      if (!stopped) await running.stop();
      stopped = true;
      handedOver = true;
      let next: RunningServer;
      try {
        next = await startServer(loadConfig(settings));
      } catch (error) {
        await cleanup();
        throw error;
      }
      return testServer(next, settings, cleanup);
    },
    async close() {
      if (!stopped) await running.stop();
      stopped = true;
      if (!handedOver) await cleanup();
    },
  };
  return server;
}

/** Polls until `check` returns a value (the engine's jobs run asynchronously after a request). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
