/** Case categories (names in both languages), loaded once per page view. */
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
    void cache.then(setList);
  }, []);
  return list;
}

export function categoryName(list: Category[], code: string): string {
  const c = list.find((x) => x.code === code);
  if (!c) return code;
  return currentLang() === 'en' ? c.nameEn : c.nameZh;
}
