/** Paging through a list: 最新 / 更早 with the range shown (`51–100 / 1000+`). */
import { t } from '../i18n.js';

/** A count; past the server's cap (1,000) it reads "1000+". */
export const countLabel = (n: number, capped?: boolean) => `${n}${capped ? '+' : ''}`;

/**
 * `shown`: rows on this page; `capped`: the total stopped at the server's cap, so there may be
 * more. `go` gives a page's address (links, for lists whose page is in the URL) or an action
 * (buttons, for a search held in the page).
 */
export function Pager({ offset, shown, pageSize, total, capped, go }: { offset: number; shown: number; pageSize: number; total: number; capped?: boolean; go: (offset: number) => string | (() => void) }) {
  const more = offset + shown < total || (capped && shown === pageSize);
  if (offset === 0 && !more) return null;
  const control = (to: number, label: string, which: string) => {
    const target = go(to);
    return typeof target === 'string'
      ? <a class="button" href={target} data-page={which}>{label}</a>
      : <button type="button" onClick={target} data-page={which}>{label}</button>;
  };
  return (
    <nav class="pager" aria-label={t('pages')}>
      {offset > 0 && control(Math.max(0, offset - pageSize), t('newest'), 'prev')}
      <span class="muted small" data-range="">{shown ? `${offset + 1}–${offset + shown}` : '0'} / {countLabel(total, capped)}</span>
      {more && control(offset + pageSize, t('older'), 'next')}
    </nav>
  );
}
