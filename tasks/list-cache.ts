/**
 * The task lists, read again only after the database changed. Every open page polls its lists
 * every few seconds and nearly every poll finds nothing new; an answer is kept per person and
 * request with the database's change token (storage/change-version.ts) and reused while the
 * token is the same. Any write to what the lists read changes the token, so a list is never
 * older than the last write; where no token can be had (an open SQLite transaction, a MariaDB
 * without the change-counter triggers) every call reads.
 */
import type { DataSource } from 'typeorm';
import type { Principal } from '../api/src/http/principal.js';
import { unchangingBody } from '../api/src/http/etag.js';
import { changeVersion } from '../storage/change-version.js';
import { listTasks, type ListAnswer, type TaskView } from './queries.js';

/**
 * `maxEntries`: answers kept at most, least recently used dropped first (a page of 50 tasks is
 * ~25 kB of JSON, kept with its objects: 1,000 answers stay under ~60 MB).
 */
export function createTaskLists(ds: DataSource, maxEntries = 1_000) {
  const answers = new Map<string, { version: string; answer: ListAnswer<TaskView> }>();
  const reading = new Map<string, Promise<ListAnswer<TaskView>>>();
  /** `readVersion`: the change token as read before anything this request read (requestChangeVersion), else read here. */
  return async function list<V extends TaskView>(principal: Principal, view: V, page: { limit: number; offset: number; withCounts?: boolean }, readVersion?: string | null): Promise<ListAnswer<V>> {
    const version = readVersion === undefined ? await changeVersion(ds) : readVersion;
    if (version === null) return listTasks(ds, principal, view, page);
    const key = JSON.stringify([principal.username, principal.role, principal.unitId, principal.groups, view, page.limit, page.offset, Boolean(page.withCounts)]);
    const kept = answers.get(key);
    answers.delete(key);
    if (kept?.version === version) {
      answers.set(key, kept);
      return kept.answer as ListAnswer<V>;
    }
    // requests that ask for the same list under the same token while it is being read share
    // that read: after a write, every open page of the person polls at once
    const flightKey = `${version}|${key}`;
    let flight = reading.get(flightKey);
    if (!flight) {
      flight = listTasks<TaskView>(ds, principal, view, page).then(unchangingBody);
      reading.set(flightKey, flight);
      const done = () => reading.delete(flightKey);
      flight.then(done, done);
    }
    const answer = await flight;
    answers.delete(key);
    answers.set(key, { version, answer });
    if (answers.size > maxEntries) answers.delete(answers.keys().next().value as string);
    return answer as ListAnswer<V>;
  };
}
