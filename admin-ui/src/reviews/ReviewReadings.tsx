// The readings behind a review (38.5 ℃, health code …): the first submission and any rechecks.
import { Chip, Paper, Typography } from '@mui/material';
import { useLocaleState, useTranslate } from 'react-admin';
import type { ReviewPageData } from './useReviewPage.ts';
import { useCompanyTime } from '../company-date-fields.tsx';

const colours = { normal: 'success', warning: 'warning', red: 'error' } as const;

export const ReviewReadings = ({ page }: { page: ReviewPageData }) => {
  const t = useTranslate();
  const [locale] = useLocaleState();
  const companyTime = useCompanyTime();
  const lang = locale === 'en' ? 'en' : 'zh';
  return (
    <div data-testid="review-readings">
      {page.readings.map((r, i) => (
        <Paper key={r.recordId} variant="outlined" sx={{ p: 1.5, mb: 1 }}>
          <Typography variant="subtitle2" component="div" sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
            <span>{t(i === 0 ? 'review_page.first_reading' : 'review_page.recheck_reading')}</span>
            <Chip size="small" color={colours[r.severity]} label={t(`app.severity.${r.severity}`)} />
            {r.current && page.readings.length > 1 && <Chip size="small" label={t('review_page.current')} />}
          </Typography>
          <Typography variant="caption" color="text.secondary">
            {t('review_page.submitted_at', {
              time: companyTime(r.submittedAt),
            })}
          </Typography>
          {r.reasons.length > 0 && (
            <Typography color="error" sx={{ my: 0.5 }}>
              {r.reasons.map((x) => x[lang]).join(lang === 'en' ? '; ' : '；')}
            </Typography>
          )}
          <table style={{ fontSize: 14 }}>
            <tbody>
              {r.answers.map((a) => (
                <tr key={a.key}>
                  <th align="left" style={{ paddingRight: 12, fontWeight: 500, verticalAlign: 'top' }}>
                    {a.label[lang]}
                  </th>
                  <td>{a.value[lang]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Paper>
      ))}
    </div>
  );
};
