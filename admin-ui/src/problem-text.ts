// A refused request (application/problem+json) in the person's language: the problem by its code
// (problem.<code>) and each field's detail by its issue code (issue.<code>), with the server's
// params filled in. The server's English title and messages are only the last resort.
export interface ProblemIssue {
  field: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
  /** both languages, from rules that word their own messages (form answers, CSV lines) */
  messages?: { zh: string; en: string };
}

export interface Problem {
  status?: number;
  code?: string;
  title?: string;
  params?: Record<string, string | number>;
  errors?: ProblemIssue[];
}

/** react-admin's translate and the check-in page's both fit; `_` is react-admin's fallback text. */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** The problem+json body a failed call carried, if any (react-admin's HttpError or the page's ApiError). */
export function problemOf(e: unknown): Problem | undefined {
  const x = e as { body?: unknown; problem?: unknown } | undefined;
  const body = (x?.body ?? x?.problem) as Problem | undefined;
  return body && typeof body === 'object' ? body : undefined;
}

/** `key` translated, or undefined when the pack has no text for it. */
function known(t: Translate, key: string, vars: Record<string, string | number> = {}): string | undefined {
  const text = t(key, { ...vars, _: '\u0000' });
  return text === '\u0000' || text === key ? undefined : text;
}

/** The problem's headline, e.g. 2026-12-01 的打卡已于 18:00（Asia/Shanghai）截止，无法再提交. */
export function problemTitle(p: Problem | undefined, t: Translate, fallback = ''): string {
  if (!p?.code) return p?.title ?? fallback;
  return known(t, `problem.${p.code}`, p.params) ?? p.title ?? fallback;
}

/** One field's detail, e.g. 启用第 3 级（HR 电话）必须同时启用第 2 级（主管）. */
export function issueText(i: ProblemIssue, t: Translate, lang: 'zh' | 'en'): string {
  if (i.messages) return i.messages[lang];
  return (i.code && known(t, `issue.${i.code}`, i.params)) || i.message;
}

/** Headline plus every field detail, each after its label (labelOf gives the UI's name for a field). */
export function problemText(
  e: unknown,
  t: Translate,
  lang: 'zh' | 'en',
  labelOf: (field: string) => string | undefined = () => undefined,
): string {
  const p = problemOf(e);
  const title = problemTitle(p, t, e instanceof Error ? e.message : String(e));
  const details = (p?.errors ?? []).map((i) => {
    const label = labelOf(i.field);
    const text = issueText(i, t, lang);
    return label ? `${label}${lang === 'en' ? ': ' : '：'}${text}` : text;
  });
  return [title, ...details].join(lang === 'en' ? '; ' : '；');
}
