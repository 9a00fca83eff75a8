// The page's texts (admin-ui/src/i18n zh/en, so the key-walking test covers them) and its language.
import { useCallback, useState } from 'react';
import { appEn } from '../i18n/en.ts';
import { appZh } from '../i18n/zh.ts';
import type { Lang } from '../form-renderer/FormRenderer.tsx';

type Tree = { [k: string]: string | Tree };

export function translate(lang: Lang, key: string, vars: Record<string, string | number> = {}): string {
  const root = (lang === 'en' ? appEn : appZh) as unknown as Tree;
  const found = key.split('.').reduce<string | Tree | undefined>((node, k) => {
    return typeof node === 'object' ? node[k] : undefined;
  }, root);
  const text = typeof found === 'string' ? found : key;
  return text.replace(/%\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

const STORAGE_KEY = 'checkin.lang';

/** zh-CN unless the employee switched (remembered on the device). */
export function useLang() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh'));
  const toggle = useCallback(() => {
    setLang((l) => {
      const next = l === 'zh' ? 'en' : 'zh';
      localStorage.setItem(STORAGE_KEY, next);
      document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
      return next;
    });
  }, []);
  const t = useCallback(
    (key: string, vars?: Record<string, string | number>) => translate(lang, key, vars),
    [lang],
  );
  return { lang, toggle, t };
}
