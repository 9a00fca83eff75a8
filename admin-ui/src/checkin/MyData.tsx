// "我的数据": the employee's answer to the privacy notice (withdraw where consent is the basis),
// their check-ins and reviews, a download of everything held about them (JSON, Excel), who read
// their health answers, and correction or deletion requests to HR.
import { useCallback, useEffect, useState } from 'react';
import {
  dataRequestKinds,
  type DataRequestKind,
  type DataRequestStatus,
} from '../../../domain/privacy/data-request.ts';
import type { Lang } from '../form-renderer/FormRenderer.tsx';
import { problemText } from '../problem-text.ts';
import { api, ApiError } from './api.ts';
import { formatInstant } from './Confirmation.tsx';
import { translate } from './i18n.ts';
import { answerNotice, NoticeBody, type PrivacyInfo } from './PrivacyNotice.tsx';

interface MyRecord {
  id: number;
  work_date: string;
  submitted_at: string;
  status: 'on_time' | 'late';
  severity: 'normal' | 'warning' | 'red';
  is_current: boolean;
}
interface MyReview {
  id: number;
  work_date: string;
  status: string;
  decision: string | null;
  comment: string | null;
}
interface Access {
  at: string;
  roles: string[];
  department: string | null;
  name: string | null;
}
interface DataRequest {
  id: string | number;
  kind: DataRequestKind;
  status: DataRequestStatus;
  reason?: string;
  createdAt: string;
}

/** The forms "everything held about me" downloads in, one button each. */
const exportFormats = ['json', 'xlsx'] as const;

/** Fetches a file with the session header and hands it to the browser as a download. */
async function download(token: string, format: (typeof exportFormats)[number]) {
  const res = await fetch(`/api/me/data/export?format=${format}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `my-data.${format}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A row of secondary buttons, one per value (a download format, a kind of request). */
function ChoiceButtons<V extends string>(props: {
  values: readonly V[];
  testId: (v: V) => string;
  label: (v: V) => string;
  onClick: (v: V) => void;
}) {
  return (
    <div className="ck-actions">
      {props.values.map((v) => (
        <button
          key={v}
          type="button"
          className="ck-secondary"
          data-testid={props.testId(v)}
          onClick={() => props.onClick(v)}
        >
          {props.label(v)}
        </button>
      ))}
    </div>
  );
}

export function MyData(props: { token: string; lang: Lang; timeZone: string; onPrivacyChanged: () => void }) {
  const { token, lang, timeZone } = props;
  const t = (k: string, v?: Record<string, string | number>) => translate(lang, k, v);
  const [privacy, setPrivacy] = useState<PrivacyInfo | null>(null);
  const [data, setData] = useState<{ records: MyRecord[]; reviews: MyReview[] } | null>(null);
  const [access, setAccess] = useState<Access[] | null>(null);
  const [requests, setRequests] = useState<DataRequest[] | null | 'unavailable'>(null);
  const [error, setError] = useState<string | null>(null);
  const [requestKind, setRequestKind] = useState<DataRequestKind | null>(null);
  const [message, setMessage] = useState('');
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [p, d, a] = await Promise.all([
        api<PrivacyInfo>('/api/me/privacy', { token }),
        api<{ records: MyRecord[]; reviews: MyReview[] }>('/api/me/data', { token }),
        api<{ items: Access[] }>('/api/me/data/access', { token }),
      ]);
      setPrivacy(p);
      setData(d);
      setAccess(a.items);
    } catch (e) {
      setError(problemText(e, t, lang));
    }
    // priv18b's request workflow: absent on a server without it
    try {
      setRequests((await api<{ items: DataRequest[] }>('/api/me/data-requests', { token })).items);
    } catch (e) {
      setRequests(e instanceof ApiError && e.problem.status === 404 ? 'unavailable' : null);
    }
  }, [token, lang]);
  useEffect(() => void load(), [load]);

  const withdraw = async () => {
    if (!privacy?.notice || !window.confirm(t('checkin.privacy.withdraw_confirm'))) return;
    try {
      await answerNotice(token, privacy.notice.version, 'withdrawn');
      await load();
      props.onPrivacyChanged();
    } catch (e) {
      setError(problemText(e, t, lang));
    }
  };

  const sendRequest = async () => {
    if (!requestKind) return;
    try {
      await api('/api/me/data-requests', { token, body: { kind: requestKind, message } });
      setNotice(t('checkin.privacy.request_sent'));
      setRequestKind(null);
      setMessage('');
      await load();
    } catch (e) {
      setError(problemText(e, t, lang));
    }
  };

  const stateText = privacy
    ? t('checkin.privacy.state', {
        state: t(`checkin.privacy.states.${privacy.state ?? 'none'}`),
        version: privacy.stateVersion ?? '—',
      })
    : '';
  return (
    <div className="ck-mydata" data-testid="my-data">
      {error && (
        <div className="ck-error" role="alert">
          {error}
        </div>
      )}
      {notice && (
        <div className="ck-banner" role="status" data-testid="mydata-notice">
          {notice}
        </div>
      )}
      {privacy?.notice && (
        <details className="ck-card" data-testid="mydata-notice-text">
          <summary>{t('checkin.privacy.title', { version: privacy.notice.version })}</summary>
          <NoticeBody notice={privacy.notice} lang={lang} />
        </details>
      )}
      {privacy && (
        <div className="ck-card">
          <p data-testid="privacy-state" data-state={privacy.state ?? 'none'}>
            {stateText}
          </p>
          {privacy.notice?.legalBasis === 'consent' && privacy.state === 'consented' && (
            <button
              type="button"
              className="ck-secondary"
              data-testid="withdraw-consent"
              onClick={() => void withdraw()}
            >
              {t('checkin.privacy.withdraw')}
            </button>
          )}
          {privacy.state === 'withdrawn' && (
            <p data-testid="consent-withdrawn">{t('checkin.privacy.withdrawn')}</p>
          )}
        </div>
      )}
      <div className="ck-card">
        <h2>{t('checkin.privacy.records')}</h2>
        {data && data.records.length === 0 && <p>{t('checkin.privacy.no_records')}</p>}
        <ul data-testid="my-records">
          {data?.records.map((r) => (
            <li key={r.id} data-record-id={r.id}>
              {r.work_date} · {formatInstant(r.submitted_at, timeZone, lang)} ·{' '}
              {t(`checkin.severity_${r.severity}`)}
              {r.status === 'late' ? ` · ${t('checkin.late')}` : ''}
            </li>
          ))}
        </ul>
        {data && data.reviews.length > 0 && (
          <>
            <h3>{t('checkin.privacy.reviews')}</h3>
            <ul data-testid="my-reviews">
              {data.reviews.map((r) => (
                <li key={r.id}>
                  {r.work_date} · {t(`checkin.review_status.${r.status}`)}
                  {r.comment ? ` · ${r.comment}` : ''}
                </li>
              ))}
            </ul>
          </>
        )}
        <ChoiceButtons
          values={exportFormats}
          testId={(format) => `download-${format}`}
          label={(format) => t(`checkin.privacy.download_${format}`)}
          onClick={(format) => void download(token, format)}
        />
      </div>
      <div className="ck-card">
        <h2>{t('checkin.privacy.access')}</h2>
        {access && access.length === 0 && <p>{t('checkin.privacy.access_none')}</p>}
        <ul data-testid="access-history">
          {access?.map((a, i) => (
            <li key={i}>
              {formatInstant(a.at, timeZone, lang)} ·{' '}
              {a.department
                ? t('checkin.privacy.reader', {
                    role: a.roles.map((r) => t(`checkin.privacy.roles.${r}`)).join('/'),
                    department: a.department,
                  })
                : a.roles.map((r) => t(`checkin.privacy.roles.${r}`)).join('/')}
              {a.name ? ` · ${a.name}` : ''}
            </li>
          ))}
        </ul>
      </div>
      <div className="ck-card" data-testid="data-requests">
        <h2>{t('checkin.privacy.requests')}</h2>
        {requests === 'unavailable' ? (
          <p>{t('checkin.privacy.requests_unavailable')}</p>
        ) : (
          <>
            <ul>
              {Array.isArray(requests) &&
                requests.map((r) => (
                  <li key={r.id} data-testid="data-request" data-status={r.status}>
                    {formatInstant(r.createdAt, timeZone, lang)} ·{' '}
                    {t(`checkin.privacy.request_kind.${r.kind}`)} ·{' '}
                    {t(`checkin.privacy.request_status.${r.status}`)}
                    {r.reason ? ` · ${r.reason}` : ''}
                  </li>
                ))}
            </ul>
            {requestKind ? (
              <div>
                <label htmlFor="ck-request-message">{t('checkin.privacy.request_message')}</label>
                <textarea
                  id="ck-request-message"
                  data-testid="request-message"
                  maxLength={2000}
                  value={message}
                  onChange={(e) => setMessage(e.target.value)}
                />
                <button
                  type="button"
                  className="ck-primary"
                  data-testid="request-send"
                  disabled={message.trim().length === 0}
                  onClick={() => void sendRequest()}
                >
                  {t('checkin.privacy.request_send')}
                </button>
              </div>
            ) : (
              <ChoiceButtons
                values={dataRequestKinds}
                testId={(kind) => `request-${kind}`}
                label={(kind) => t(`checkin.privacy.request_${kind}`)}
                onClick={setRequestKind}
              />
            )}
          </>
        )}
      </div>
    </div>
  );
}
