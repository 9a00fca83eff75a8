// The packs' texts by key with %{name} values filled in, outside react-admin (the check-in page,
// and tests that read a server message the way the UIs say it).
import { appEn } from './en.ts';
import { appZh } from './zh.ts';

type Tree = { [k: string]: string | Tree };

export function translate(
  lang: 'zh' | 'en',
  key: string,
  vars: Record<string, string | number> = {},
): string {
  const root = (lang === 'en' ? appEn : appZh) as unknown as Tree;
  const found = key.split('.').reduce<string | Tree | undefined>((node, k) => {
    return typeof node === 'object' ? node[k] : undefined;
  }, root);
  const text = typeof found === 'string' ? found : key;
  return text.replace(/%\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}
