/** Case categories (names in both languages), loaded once per page view, in the reader's order: Chinese names by pinyin, English ones alphabetically. */
import { useEffect, useState } from 'preact/hooks';
import { get, type Category } from '../api.js';
import { currentLang } from '../i18n.js';

let cache: Promise<Category[]> | null = null;

export function useCategories(): Category[] {
  const [list, setList] = useState<Category[]>([]);
  useEffect(() => {
    cache ??= get<Category[]>('/categories').catch(() => {
      cache = null;
      return [];
    });
    void cache.then((all) => setList(sortCategories(all)));
  }, []);
  return list;
}

export function categoryName(list: Category[], code: string): string {
  const c = list.find((x) => x.code === code);
  if (!c) return code;
  return currentLang() === 'en' ? c.nameEn : c.nameZh;
}

const pinyin = new Intl.Collator('zh-Hans-CN-u-co-pinyin');
const alphabetical = new Intl.Collator('en');

export function sortCategories(list: Category[]): Category[] {
  return currentLang() === 'en'
    ? [...list].sort((a, b) => alphabetical.compare(a.nameEn, b.nameEn))
    : [...list].sort((a, b) => pinyin.compare(a.nameZh, b.nameZh));
}
