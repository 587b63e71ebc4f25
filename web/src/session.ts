/** Who is signed in (from /api/auth/me), shared by the pages. */
import { get, post, type User } from './api.js';
import { signal } from './signal.js';

export const user = signal<User | null | undefined>(undefined);

export async function loadSession(): Promise<void> {
  try {
    const me = await get<{ user: User }>('/auth/me');
    user.set(me.user);
  } catch {
    user.set(null);
  }
}

export async function signIn(username: string, password: string): Promise<User> {
  const answer = await post<{ user: User }>('/auth/login', { username, password, session: 'cookie' });
  user.set(answer.user);
  return answer.user;
}

/** Changes my password; the server ends my other sessions and answers with a fresh one. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<User> {
  const answer = await post<{ user: User }>('/auth/password', { currentPassword, newPassword });
  user.set(answer.user);
  return answer.user;
}

export async function signOut(): Promise<void> {
  await post('/auth/logout').catch(() => undefined);
  user.set(null);
}

export const isDesk = (u: User | null | undefined) => !!u && (u.role === 'dispatcher' || u.role === 'admin');
