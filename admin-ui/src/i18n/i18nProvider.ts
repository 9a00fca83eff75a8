import polyglotI18nProvider from 'ra-i18n-polyglot';
import type { TranslationMessages } from 'react-admin';
import { en } from './en.ts';
import { zh } from './zh.ts';

export const i18nProvider = polyglotI18nProvider(
  (locale) => (locale === 'en' ? en : (zh as unknown as TranslationMessages)),
  'zh',
  [
    { locale: 'zh', name: '简体中文' },
    { locale: 'en', name: 'English' },
  ],
);
