// The company's privacy notice before the form: its texts, the form's fields (those that need
// separate consent marked), who sees them, how long they are kept; the employee consents or, where
// the basis is HR management, acknowledges (and may also consent to the consent-only fields).
import { useEffect, useState } from 'react';
import type { Lang } from '../form-renderer/FormRenderer.tsx';
import { problemText } from '../problem-text.ts';
import { api } from './api.ts';
import { translate } from './i18n.ts';

interface NoticeText {
  purpose: string;
  audience: string;
  processors: string;
  rights: string;
  contact: string;
}

export interface NoticeView {
  version: number;
  legalBasis: 'consent' | 'hr_management';
  text: { zh: NoticeText; en: NoticeText };
  fields: { key: string; type: string; label: { zh: string; en: string }; requiresConsent: boolean }[];
  retention: { recordDays: number; photoDays: number; locationDays: number; auditDays: number };
}

export interface PrivacyInfo {
  notice: NoticeView | null;
  needed: 'none' | 'acknowledge' | 'consent';
  state: 'acknowledged' | 'consented' | 'withdrawn' | null;
  stateVersion: number | null;
  history: { id: number; notice_version: number; action: string; at: string }[];
}

export const answerNotice = (
  token: string,
  version: number,
  action: 'acknowledged' | 'consented' | 'withdrawn',
) => api('/api/me/privacy/answers', { token, body: { version, action } });

export function NoticeBody({ notice, lang }: { notice: NoticeView; lang: Lang }) {
  const t = (k: string, v?: Record<string, string | number>) => translate(lang, k, v);
  const text = notice.text[lang];
  const section = (title: string, body: string, id: string) => (
    <section className="ck-notice-section" data-testid={`notice-${id}`}>
      <h3>{title}</h3>
      <p>{body}</p>
    </section>
  );
  return (
    <>
      {section(t('checkin.privacy.purpose'), text.purpose, 'purpose')}
      <section className="ck-notice-section" data-testid="notice-fields">
        <h3>{t('checkin.privacy.fields')}</h3>
        <ul>
          {notice.fields.map((f) => (
            <li key={f.key}>
              {f.label[lang]}
              {f.requiresConsent && <em> — {t('checkin.privacy.needs_consent')}</em>}
            </li>
          ))}
        </ul>
      </section>
      {section(
        t('checkin.privacy.audience'),
        `${t('checkin.privacy.audience_roles')} ${text.audience}`,
        'audience',
      )}
      {section(
        t('checkin.privacy.retention'),
        t('checkin.privacy.retention_text', notice.retention),
        'retention',
      )}
      {section(t('checkin.privacy.processors'), text.processors, 'processors')}
      {section(t('checkin.privacy.rights'), text.rights, 'rights')}
      {section(t('checkin.privacy.contact'), text.contact, 'contact')}
      <p className="ck-notice-basis" data-testid="notice-basis">
        {notice.legalBasis === 'consent' ? t('checkin.privacy.basis_consent') : t('checkin.privacy.basis_hr')}
      </p>
    </>
  );
}

export function PrivacyGate(props: {
  token: string;
  lang: Lang;
  /** a submission waits on the device for this answer */
  queuedWaiting: boolean;
  onAnswered: () => void;
}) {
  const { token, lang } = props;
  const t = (k: string, v?: Record<string, string | number>) => translate(lang, k, v);
  const [info, setInfo] = useState<PrivacyInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api<PrivacyInfo>('/api/me/privacy', { token }).then(setInfo, (e: unknown) =>
      setError(problemText(e, t, lang)),
    );
  }, [token]);
  if (!info?.notice) return <p className="ck-message">{error ?? t('checkin.loading')}</p>;
  const notice = info.notice;
  const answer = async (action: 'acknowledged' | 'consented') => {
    setBusy(true);
    setError(null);
    try {
      await answerNotice(token, notice.version, action);
      props.onAnswered();
    } catch (e) {
      setError(problemText(e, t, lang));
    } finally {
      setBusy(false);
    }
  };
  const consentOnly = notice.fields.some((f) => f.requiresConsent);
  return (
    <div className="ck-card ck-notice" data-testid="privacy-notice" data-version={notice.version}>
      <h2>{t('checkin.privacy.title', { version: notice.version })}</h2>
      {info.state === 'withdrawn' && (
        <div className="ck-banner" role="status" data-testid="consent-withdrawn">
          {t('checkin.privacy.withdrawn')}
        </div>
      )}
      {props.queuedWaiting && (
        <div className="ck-banner" role="status" data-testid="queued-waiting">
          {t('checkin.privacy.queued_waiting')}
        </div>
      )}
      <NoticeBody notice={notice} lang={lang} />
      {error && (
        <div className="ck-error" role="alert">
          {error}
        </div>
      )}
      {notice.legalBasis === 'consent' ? (
        <button
          type="button"
          className="ck-primary"
          data-testid="notice-consent"
          disabled={busy}
          onClick={() => void answer('consented')}
        >
          {busy
            ? t('checkin.privacy.saving')
            : info.state === 'withdrawn'
              ? t('checkin.privacy.consent_again')
              : t('checkin.privacy.consent')}
        </button>
      ) : (
        <>
          <button
            type="button"
            className="ck-primary"
            data-testid="notice-acknowledge"
            disabled={busy}
            onClick={() => void answer('acknowledged')}
          >
            {busy ? t('checkin.privacy.saving') : t('checkin.privacy.acknowledge')}
          </button>
          {consentOnly && (
            <button
              type="button"
              className="ck-secondary"
              data-testid="notice-consent"
              disabled={busy}
              onClick={() => void answer('consented')}
            >
              {t('checkin.privacy.also_consent')}
            </button>
          )}
        </>
      )}
    </div>
  );
}
