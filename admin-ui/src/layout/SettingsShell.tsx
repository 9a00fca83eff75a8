// The shell of an admin page that edits one JSON document of the API (the check-in policy, the
// privacy notice, the privacy settings): the document read once and re-read after a save, a failed
// save reported in the UI's language, and the page's card under its title.
import { Card, CardContent } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { CSSProperties, ReactNode } from 'react';
import { Title, useLocaleState, useNotify, useTranslate } from 'react-admin';
import { getJson } from '../dataProvider.ts';
import { problemText } from '../problem-text.ts';

/** `url`'s document under `queryKey`; `reload` after a save, `fail` in a save's catch. */
export function useSettingsDocument<T>(queryKey: string, url: string) {
  const t = useTranslate();
  const notify = useNotify();
  const [locale] = useLocaleState();
  const queryClient = useQueryClient();
  const { data } = useQuery({ queryKey: [queryKey], queryFn: () => getJson<T>(url) });
  const lang: 'zh' | 'en' = locale === 'en' ? 'en' : 'zh';
  return {
    t,
    notify,
    lang,
    data,
    reload: () => queryClient.invalidateQueries({ queryKey: [queryKey] }),
    /** the problem's title and each issue, a field named by `labelOf` where it has a label */
    fail: (e: unknown, labelOf?: (field: string) => string | undefined) =>
      notify(problemText(e, t, lang, labelOf), { type: 'error' }),
  };
}

/** The page's card: its title in the app bar (when given) and its content. */
export const SettingsShell = (props: {
  title?: string;
  testId?: string;
  contentStyle?: CSSProperties;
  children: ReactNode;
}) => (
  <Card style={{ margin: 16 }} data-testid={props.testId}>
    {props.title !== undefined && <Title title={props.title} />}
    <CardContent style={props.contentStyle}>{props.children}</CardContent>
  </Card>
);
