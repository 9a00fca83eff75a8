// The position for a location field: asked from the browser (DingTalk's webview too) as soon as the
// field shows; a refusal or failure is stored as "not provided" rather than blocking the check-in.
import { useEffect, useState } from 'react';
import type { FieldSlot } from '../form-renderer/FormRenderer.tsx';
import { describeLocation } from '../form-renderer/FormRenderer.tsx';
import { translate } from './i18n.ts';

export const LocationField: FieldSlot = (props) => <Locator {...props} />;

function Locator({ value, set, disabled, lang, inputId }: Parameters<FieldSlot>[0]) {
  const [busy, setBusy] = useState(false);
  const locate = () => {
    if (!('geolocation' in navigator)) return set({ status: 'not_provided' });
    setBusy(true);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setBusy(false);
        set({ lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy });
      },
      () => {
        setBusy(false);
        set({ status: 'not_provided' });
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  // Ask once, when the field first shows without a value.
  const [asked, setAsked] = useState(false);
  useEffect(() => {
    if (asked) return;
    setAsked(true);
    if (value === undefined && !disabled) locate();
  });
  const denied = (value as { status?: string } | undefined)?.status === 'not_provided';
  return (
    <div className="ck-location">
      <output id={inputId} className="fr-value" data-testid="location-value">
        {busy ? translate(lang, 'checkin.locating') : describeLocation(value, lang)}
      </output>
      {denied && <div className="fr-help">{translate(lang, 'checkin.location_denied')}</div>}
      <button type="button" className="ck-secondary" onClick={locate} disabled={disabled || busy}>
        {translate(lang, 'checkin.locate')}
      </button>
    </div>
  );
}
