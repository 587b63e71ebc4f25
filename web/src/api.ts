/**
 * The pages' one way to the API: same-origin fetch with the session cookie, the CSRF token
 * echoed on writes, the page's language asked for, and problem+json answers turned into
 * ApiError (with field errors).
 */
import { currentLang } from './i18n.js';
export interface FieldError { field: string; message: string }

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: { type?: string; title?: string; detail?: string; errors?: FieldError[]; field?: string }) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)paidan_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : '';
}

let onUnauthorized: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  // the problem answers' detail and field errors come in the page's language
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLang() === 'en' ? 'en' : 'zh-CN' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`/api${url}`, { method, headers, body: payload, credentials: 'same-origin' });
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await response.json() : null;
  if (!response.ok) {
    // a wrong password at sign-in or at a password change is an answer, not the end of the session
    if (response.status === 401 && !url.startsWith('/auth/login') && url !== '/auth/password') onUnauthorized();
    throw new ApiError(response.status, data ?? {});
  }
  return data as T;
}

export const get = <T = unknown>(url: string) => api<T>('GET', url);

const lastSeen = new Map<string, { etag: string; data: unknown }>();

/**
 * A GET for polling: sends the ETag of the last answer for this URL, so an unchanged list
 * costs a 304 and no body. Answers the data and whether it changed since the last call.
 */
export async function poll<T>(url: string): Promise<{ data: T; changed: boolean }> {
  const seen = lastSeen.get(url);
  // the problem answers' detail and field errors come in the page's language
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLang() === 'en' ? 'en' : 'zh-CN' };
  if (seen) headers['if-none-match'] = seen.etag;
  const response = await fetch(`/api${url}`, { headers, credentials: 'same-origin' });
  if (response.status === 304 && seen) return { data: seen.data as T, changed: false };
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await response.json() : null;
  if (!response.ok) {
    if (response.status === 401) onUnauthorized();
    throw new ApiError(response.status, data ?? {});
  }
  const etag = response.headers.get('etag');
  if (etag) lastSeen.set(url, { etag, data });
  return { data: data as T, changed: true };
}
export const post = <T = unknown>(url: string, body: unknown = {}) => api<T>('POST', url, body);

/** Retries a request on network failures and 5xx (an upload from a flaky phone connection). */
export async function withRetry<T>(attempt: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = !(error instanceof ApiError) || error.status >= 500;
      if (!retriable || i >= tries) throw error;
      await new Promise((r) => setTimeout(r, 500 * 2 ** (i - 1)));
    }
  }
}

export interface User {
  username: string; displayName: string; role: 'dispatcher' | 'inspector' | 'unit-lead' | 'officer' | 'admin'; unitId: string | null;
  /** A temporary or expired password: the session may only change it (web/src/pages/change-password.tsx). */
  mustChangePassword?: boolean;
}

export interface TaskItem {
  id: string; caseId: string; caseNumber: string; caseStatus: string; category: string; address: string; description: string;
  elementId: string; name: string | null; assignee: string | null; state: string; round: number; createdAt: string; completedAt: string | null;
}

/** An item of 已办 / 办结: a case I worked on, with the steps I did in it (GET /api/tasks, `kind` "case"). */
export interface CaseItem {
  caseId: string; caseNumber: string; caseStatus: string; category: string; address: string; description: string;
  currentStep: string | null; currentStepName: string | null; rounds: number; closedAt: string | null; lastDoneAt: string;
  myTaskCount: number; mySteps: { elementId: string; name: string | null; count: number }[];
}

export interface CaseRecord {
  id: string; number: string; source: string; category: string; description: string; address: string;
  location: { lng: number; lat: number } | null; reporterPhone: string | null; status: string; currentStep: string | null;
  unitId: string | null; areaId: string | null; rounds: number; processVersion: number; createdBy: string; createdAt: string; closedAt: string | null;
  relatedCaseId?: string | null;
}

export interface TimelineEntry { id: number; at: string; actor: string | null; type: string; elementId: string | null; taskId: string | null; round: number; data: unknown }
export interface CaseDetail {
  case: CaseRecord;
  timeline: TimelineEntry[];
  rounds: { round: number; tasks: { id: string; elementId: string; name: string | null; state: string; assignee: string | null; completedBy: string | null; completedAt: string | null; formData: unknown }[] }[];
  /** Display names of the usernames and unit ids the case mentions. */
  names?: CaseNames;
}

export interface CaseNames { people: Record<string, string>; units: Record<string, string> }

export interface Photo {
  id: string; taskId: string; mime: string; bytes: number; width: number; height: number; takenAt: string | null; uploadedBy?: string;
  checks?: { phase: string; passed: boolean; flags: { code: string; message: string }[]; checkedAt: string }[];
}

export interface Category { code: string; nameZh: string; nameEn: string }
