// Today's pass: name, department, date, a colour by severity and review, and a QR code (drawn in
// the browser) that opens the guard's verification page.
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { api } from './api.ts';
import type { Lang } from '../form-renderer/FormRenderer.tsx';
import { translate } from './i18n.ts';

export interface Pass {
  token: string;
  verifyUrl: string;
  name: string;
  departmentName: string;
  workDate: string;
  colour: 'green' | 'amber' | 'red';
}

export function PassCard({ token, lang, refreshKey }: { token: string; lang: Lang; refreshKey: string }) {
  const [pass, setPass] = useState<Pass | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api<Pass>('/api/me/pass', { token, lang })
      .then(async (p) => {
        const url = await QRCode.toDataURL(p.verifyUrl, { margin: 1, width: 220, errorCorrectionLevel: 'M' });
        if (live) {
          setPass(p);
          setQr(url);
        }
      })
      .catch(() => live && setPass(null));
    return () => {
      live = false;
    };
  }, [token, lang, refreshKey]);
  if (!pass) return null;
  return (
    <section className={`ck-pass ck-pass-${pass.colour}`} data-testid="pass" data-colour={pass.colour}>
      <h2>{translate(lang, 'checkin.pass_title')}</h2>
      <div className="ck-pass-colour">{translate(lang, `checkin.pass_colour.${pass.colour}`)}</div>
      <div className="ck-pass-who">
        <strong>{pass.name}</strong> · {pass.departmentName} · {pass.workDate}
      </div>
      {qr && (
        <img
          className="ck-qr"
          src={qr}
          alt={pass.verifyUrl}
          data-testid="pass-qr"
          data-url={pass.verifyUrl}
        />
      )}
      <div className="fr-help">{translate(lang, 'checkin.pass_hint')}</div>
    </section>
  );
}
