// The page's texts (admin-ui/src/i18n zh/en, so the key-walking test covers them) and its language.
import { useCallback, useState } from 'react';
import { translate } from '../i18n/translate.ts';
import type { Lang } from '../form-renderer/FormRenderer.tsx';

export { translate };

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
