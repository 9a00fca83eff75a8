// The guard's page (/pass/verify?p=…), opened by scanning an employee's QR code: valid or not, who,
// which department, which day, and the colour (green only for a normal or approved day).
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
        >
          <h2>{check.valid ? t('pass_verify.valid') : t('pass_verify.invalid')}</h2>
          {check.reason && <p>{t(`pass_verify.reason.${check.reason}`)}</p>}
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
