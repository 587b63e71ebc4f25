/**
 * Suggests the officer within a unit: on duty today first, then the fewest open tasks, then the
 * nearest last known position to the case. Pure: the officers, their workload and the clock
 * are given.
 */
import { haversineM, isValidLngLat } from './geometry.js';
import type { OfficerDuty } from './store.js';

export interface OfficerCandidate {
  username: string;
  name: string;
  openTasks: number;
  onDuty: boolean;
  /** Metres from the last known position to the case, or null when either is unknown or stale. */
  distanceM: number | null;
  reason: string;
}

export interface OfficerSuggestion {
  suggestedOfficer: string | null;
  officerCandidates: OfficerCandidate[];
  officerSuggestionReason: string;
}

export interface OfficerRankingOptions {
  /** A last known position older than this is ignored (default 8 hours). */
  positionMaxAgeMs?: number;
  /** At most this many candidates are listed (default 10). */
  maxCandidates?: number;
}

const metres = (m: number): string => (m < 1000 ? `约 ${Math.round(m)} 米` : `约 ${(m / 1000).toFixed(1)} 公里`);

export function rankOfficers(
  officers: OfficerDuty[],
  workload: Map<string, number>,
  location: unknown,
  now: Date,
  options: OfficerRankingOptions = {},
): OfficerCandidate[] {
  const maxAge = options.positionMaxAgeMs ?? 8 * 3600_000;
  const loc = location as { lng?: unknown; lat?: unknown } | null | undefined;
  const site = loc && typeof loc === 'object' && isValidLngLat(loc.lng, loc.lat) ? { lng: loc.lng as number, lat: loc.lat as number } : null;
  const ranked = officers.map((o) => {
    const fresh = o.lastPositionAt !== null && now.getTime() - new Date(o.lastPositionAt).getTime() <= maxAge;
    const distanceM = site && fresh && o.lastLng !== null && o.lastLat !== null ? Math.round(haversineM(site.lng, site.lat, o.lastLng, o.lastLat)) : null;
    const openTasks = workload.get(o.username) ?? 0;
    const parts = [o.onDuty ? '今日在岗' : '今日不在岗', `待办 ${openTasks} 件`];
    if (distanceM !== null) parts.push(`距现场${metres(distanceM)}`);
    else if (site) parts.push(fresh ? '位置未知' : '无近期位置');
    return { username: o.username, name: o.displayName, openTasks, onDuty: o.onDuty, distanceM, reason: parts.join('，') };
  });
  ranked.sort((a, b) =>
    Number(b.onDuty) - Number(a.onDuty)
    || a.openTasks - b.openTasks
    || (a.distanceM ?? Infinity) - (b.distanceM ?? Infinity)
    || a.username.localeCompare(b.username));
  return ranked.slice(0, options.maxCandidates ?? 10);
}

export function suggestOfficer(
  unitName: string,
  officers: OfficerDuty[],
  workload: Map<string, number>,
  location: unknown,
  now: Date,
  options: OfficerRankingOptions = {},
): OfficerSuggestion {
  const candidates = rankOfficers(officers, workload, location, now, options);
  if (candidates.length === 0) {
    return { suggestedOfficer: null, officerCandidates: [], officerSuggestionReason: `${unitName}没有在册的执法队员，请单位负责人处理。` };
  }
  const best = candidates[0]!;
  if (!best.onDuty) {
    return { suggestedOfficer: null, officerCandidates: candidates, officerSuggestionReason: `${unitName}今日没有在岗队员，请单位负责人选择。` };
  }
  const tied = candidates.filter((c) => c.onDuty && c.openTasks === best.openTasks).length;
  const why = tied > 1 && best.distanceM !== null ? `待办最少（${best.openTasks} 件）的在岗队员中离现场最近（${metres(best.distanceM)}）` : `在岗队员中待办最少（${best.openTasks} 件）`;
  return { suggestedOfficer: best.username, officerCandidates: candidates, officerSuggestionReason: `推荐${best.name}：${why}。` };
}
