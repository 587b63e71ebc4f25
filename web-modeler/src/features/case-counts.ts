/**
 * "Which cases run on which version": the versions table (open and ended cases on each) and,
 * on the diagram, a badge on every element where open cases of the shown version stand now.
 */
export interface VersionRow { key: string; version: number; deployedAt: string; running: number | null; closed?: number | null }
interface Overlays { add(id: string, type: string, o: unknown): void; remove(filter: { type: string }): void }
interface ElementCounts { version: number; open: number; closed: number; elements: { elementId: string; open: number }[] }

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

/** Fills the versions table; `onShow(version)` is called by each row's button. */
export function renderVersions(table: HTMLTableElement, versions: VersionRow[], shown: number | null, onShow: (version: number) => void): void {
  table.replaceChildren(el('thead'), el('tbody'));
  const head = el('tr');
  for (const h of ['版本', '部署时间', '办理中案件', '已结束案件', '']) head.append(el('th', { scope: 'col' }, h));
  table.tHead?.append(head);
  for (const v of versions) {
    const row = el('tr', { 'data-version': String(v.version) });
    if (v.version === shown) row.setAttribute('aria-selected', 'true');
    const count = (n: number | null | undefined, field: string) => el('td', { 'data-field': field }, n === null || n === undefined ? '—' : String(n));
    const show = el('button', { type: 'button', class: 'link', 'data-action': 'show-version' }, v.version === shown ? '当前显示' : '在图上显示');
    show.onclick = () => onShow(v.version);
    const action = el('td');
    action.append(show);
    row.append(el('td', {}, `v${v.version}`), el('td', { 'data-field': 'deployedAt' }, deployedTime(v.deployedAt)),
      count(v.running, 'open'), count(v.closed, 'closed'), action);
    table.tBodies[0].append(row);
  }
}

/** Badges of open cases per element of `version` (elements the shown diagram lacks are listed in the answer only). */
export async function showCaseCounts(overlays: Overlays, has: (id: string) => boolean, version: number): Promise<ElementCounts | null> {
  overlays.remove({ type: 'cases' });
  const response = await fetch(`/api/processes/enforcement-case/versions/${version}/cases`, { credentials: 'same-origin' });
  if (!response.ok) return null;
  const counts = (await response.json()) as ElementCounts;
  for (const e of counts.elements) {
    if (!has(e.elementId)) continue;
    const badge = el('span', { class: 'case-count', 'data-case-count': String(e.open), 'data-element': e.elementId, title: `v${version}：${e.open} 件办理中案件停在此环节` }, String(e.open));
    overlays.add(e.elementId, 'cases', { position: { bottom: 12, right: 12 }, html: badge });
  }
  return counts;
}

/** The platform's one date format (web/src/i18n.ts formatTime): 2026/12/03 21:30, Shanghai time. */
function deployedTime(iso: string): string {
  return new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
