// The guard's page (/pass/verify?p=…), opened by scanning an employee's QR code. The headline is the
// decision the guard acts on (可通行 only for a valid green pass), then why, who, which department,
// which day, and the colour (green only for a normal or approved day).
import { useEffect, useState } from 'react';
import { api } from './api.ts';
import { useLang } from './i18n.ts';

interface PassCheck {
  valid: boolean;
  reason?: 'invalid' | 'no_record' | 'not_today';
  name?: string;
  departmentName?: string;
  workDate?: string;
  colour?: 'green' | 'amber' | 'red';
}

export function PassVerifyPage() {
  const { lang, toggle, t } = useLang();
  const [check, setCheck] = useState<PassCheck | null>(null);
  useEffect(() => {
    const p = new URLSearchParams(location.search).get('p') ?? '';
    api<PassCheck>(`/api/pass/verify?p=${encodeURIComponent(p)}`)
      .then(setCheck)
      .catch(() => setCheck({ valid: false, reason: 'invalid' }));
  }, []);
  const colour = check?.valid ? check.colour : 'red';
  const allowed = Boolean(check?.valid && check.colour === 'green');
  return (
    <main className="ck-page" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <header className="ck-header">
        <h1>{t('pass_verify.title')}</h1>
        <button type="button" className="ck-lang" onClick={toggle}>
          {t('checkin.language')}
        </button>
      </header>
      {!check ? (
        <p>{t('pass_verify.checking')}</p>
      ) : (
        <section
          className={`ck-pass ck-pass-${colour ?? 'red'}`}
          data-testid="verify-result"
          data-valid={String(check.valid)}
          data-colour={check.colour ?? ''}
          data-allowed={String(allowed)}
        >
          <h2 className={`ck-verdict ck-verdict-${allowed ? 'allowed' : 'denied'}`}>
            {allowed ? t('pass_verify.allowed') : t('pass_verify.denied')}
          </h2>
          <p className="ck-verdict-validity">
            {check.reason
              ? t(`pass_verify.reason.${check.reason}`)
              : t(check.valid ? 'pass_verify.valid' : 'pass_verify.invalid')}
          </p>
          {check.name && (
            <dl className="ck-facts">
              <dt>{t('pass_verify.name')}</dt>
              <dd>{check.name}</dd>
              <dt>{t('pass_verify.department')}</dt>
              <dd>{check.departmentName}</dd>
              <dt>{t('pass_verify.date')}</dt>
              <dd>{check.workDate}</dd>
              <dt>{t('pass_verify.colour')}</dt>
              <dd>{check.colour && t(`checkin.pass_colour.${check.colour}`)}</dd>
            </dl>
          )}
        </section>
      )}
    </main>
  );
}
