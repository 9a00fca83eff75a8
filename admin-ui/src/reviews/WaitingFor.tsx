// Who decided the review and when; while it is open, who it waits for (found up the department
// tree) or the employee's recheck.
import { Alert, Typography } from '@mui/material';
import { useLocaleState, useTranslate } from 'react-admin';
import type { ReviewPageData } from './useReviewPage.ts';
import { useCompanyTime } from '../company-date-fields.tsx';

export const WaitingFor = ({ page }: { page: ReviewPageData }) => {
  const t = useTranslate();
  const [locale] = useLocaleState();
  const companyTime = useCompanyTime();
  const decided =
    page.status !== 'pending' && page.decided_at ? (
      <Typography data-testid="review-decided">
        {t('review_page.decided', {
          name: page.decider_name ?? t('review_page.someone'),
          time: companyTime(page.decided_at),
          decision: t(`reviews.${page.decision ?? 'approve'}`),
        })}
      </Typography>
    ) : null;
  if (page.status === 'approved' || page.status === 'rejected') return decided;
  if (page.status === 'recheck_requested')
    return (
      <>
        {decided}
        <Typography data-testid="review-waiting">{t('review_page.waiting_employee')}</Typography>
      </>
    );
  if (page.waiting_for.length === 0)
    return (
      <Alert severity="error" data-testid="review-waiting">
        {t('review_page.nobody')}
      </Alert>
    );
  return (
    <div data-testid="review-waiting">
      <Typography variant="subtitle2">{t('review_page.waiting_for')}</Typography>
      <ul style={{ margin: 0, paddingLeft: 20 }}>
        {page.waiting_for.map((w, i) => (
          <li key={i}>
            {t(`review_page.source.${w.source}${w.inherited ? '_inherited' : ''}`, {
              department: w.department_name ?? '',
            })}
            {locale === 'en' ? ': ' : '：'}
            {w.people.map((p) => p.name).join(locale === 'en' ? ', ' : '、')}
          </li>
        ))}
      </ul>
    </div>
  );
};
