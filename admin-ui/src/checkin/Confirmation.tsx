// After submitting: the time the server stored (company time zone), the severity with its reasons,
// today's review if any, the sync state of the device's copy, and today's pass.
import type { Lang } from '../form-renderer/FormRenderer.tsx';
import type { QueuedSubmission, StoredRecord } from './outbox.ts';
import { translate } from './i18n.ts';
import { PassCard } from './PassCard.tsx';

export const formatInstant = (iso: string, timeZone: string, lang: Lang) =>
  new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

export function Confirmation(props: {
  record: StoredRecord | null;
  queued: QueuedSubmission | undefined;
  review: { status: string } | null;
  timeZone: string;
  lang: Lang;
  token: string;
}) {
  const { record, queued, review, timeZone, lang } = props;
  const t = (k: string, v?: Record<string, string | number>) => translate(lang, k, v);
  if (!record) {
    // Kept on the device, not yet on the server.
    return (
      <section className="ck-card ck-pending" data-testid="confirmation">
        <div className="ck-sync" data-testid="sync-state" data-state="pending">
          {t('checkin.pending')}
        </div>
        {queued?.retryAt !== undefined ? (
          // the server was busy: nothing is wrong with the answers, the page sends them again itself
          <p role="status" data-testid="busy">
            {t('checkin.busy')}
          </p>
        ) : (
          <p>
            {t('checkin.pending_hint', {
              time: formatInstant(queued?.clientSubmittedAt ?? '', timeZone, lang),
            })}
          </p>
        )}
      </section>
    );
  }
  const reasons = record.reasons.map((r) => r.text[lang]).join('；');
  return (
    <>
      <section className={`ck-card ck-done ck-sev-${record.severity}`} data-testid="confirmation">
        <h2>{t('checkin.done_title')}</h2>
        {queued && (
          <div className="ck-sync" data-testid="sync-state" data-state="synced">
            {t('checkin.synced')}
          </div>
        )}
        <p data-testid="stored-at">
          {t('checkin.stored_at', { time: formatInstant(record.submitted_at, timeZone, lang) })}
          {record.status === 'late' ? ` (${t('checkin.late')})` : ''}
        </p>
        <p data-testid="severity" data-severity={record.severity}>
          {reasons ? `${reasons} — ` : ''}
          {t(`checkin.severity_${record.severity}`)}
        </p>
        {review && (
          <p data-testid="review-status" data-status={review.status}>
            {t('checkin.review', { status: t(`checkin.review_status.${review.status}`) })}
          </p>
        )}
      </section>
      <PassCard token={props.token} lang={lang} refreshKey={`${record.id}-${review?.status ?? ''}`} />
    </>
  );
}
