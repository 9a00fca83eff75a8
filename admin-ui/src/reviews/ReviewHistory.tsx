// The review's history in words ("已通知 张三", "李四 处理：通过"), not event codes.
import { useLocaleState, useTranslate } from 'react-admin';
import type { ReviewPageData } from './useReviewPage.ts';
import { useCompanyTime } from '../company-date-fields.tsx';

export const ReviewHistory = ({ page }: { page: ReviewPageData }) => {
  const t = useTranslate();
  const [locale] = useLocaleState();
  const companyTime = useCompanyTime();
  const name = (id?: number) => (id !== undefined && page.people[id]) || t('review_page.someone');
  const names = (ids: number[]) => ids.map(name).join(locale === 'en' ? ', ' : '、');
  const line = (h: ReviewPageData['history'][number]) => {
    if (h.event === 'decision')
      return t('review_page.event.decision', {
        name: name(h.actorId),
        decision: t(`reviews.${h.decision ?? 'approve'}`),
      });
    // Entries from before the routing went up the tree name nobody but did notify someone.
    if ((h.event === 'notified_manager' || h.event === 'escalated') && h.to) {
      return h.to.length
        ? t(`review_page.event.${h.event}`, { names: names(h.to) })
        : t(`review_page.event.${h.event === 'escalated' ? 'escalated_nobody' : 'notified_nobody'}`);
    }
    if (h.event === 'corrected' || h.event === 'reassessed')
      return t(`review_page.event.${h.event}`, { severity: t(`app.severity.${h.severity ?? 'normal'}`) });
    return t(`review_page.event.${h.event}`, { names: '' }).trim();
  };
  return (
    <ol data-testid="review-history" style={{ margin: 0, paddingLeft: 20 }}>
      {page.history.map((h, i) => (
        <li key={i} style={{ marginBottom: 4 }}>
          <time dateTime={h.at}>{companyTime(h.at)}</time> · {line(h)}
          {h.comment ? ` · ${h.comment}` : ''}
        </li>
      ))}
    </ol>
  );
};
