// A photo field (health-code screenshot): camera or gallery, shrunk in the browser, uploaded on its
// own (POST /api/me/attachments); the answer holds only the attachment id.
import { useState } from 'react';
import type { FieldSlot } from '../form-renderer/FormRenderer.tsx';
import { problemText } from '../problem-text.ts';
import { api, ApiError } from './api.ts';
import { translate } from './i18n.ts';
import { shrinkImage } from './shrink-image.ts';

export function photoField(token: string): FieldSlot {
  return (props) => <PhotoPicker {...props} token={token} />;
}

function PhotoPicker({
  value,
  set,
  disabled,
  lang,
  inputId,
  token,
}: Parameters<FieldSlot>[0] & { token: string }) {
  const [status, setStatus] = useState<string>('');
  const [preview, setPreview] = useState<string | null>(null);
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    if (!navigator.onLine) return setStatus(translate(lang, 'checkin.photo_offline'));
    setStatus(translate(lang, 'checkin.photo_uploading'));
    try {
      const blob = await shrinkImage(file);
      const r = await api<{ id: string; sizeBytes: number }>('/api/me/attachments', {
        token,
        raw: blob,
        lang,
      });
      set({ photoId: r.id });
      setPreview(URL.createObjectURL(blob));
      setStatus(translate(lang, 'checkin.photo_uploaded', { size: Math.ceil(r.sizeBytes / 1024) }));
    } catch (err) {
      // the server's refusal in the page's language; not reaching it reads as being offline
      const message =
        err instanceof ApiError
          ? problemText(err, (key, vars) => translate(lang, key, vars), lang)
          : translate(lang, 'checkin.photo_offline');
      setStatus(translate(lang, 'checkin.photo_failed', { message }));
    }
  };
  return (
    <div className="ck-photo">
      <label className="ck-secondary" htmlFor={inputId}>
        {translate(lang, 'checkin.photo_take')}
      </label>
      <input
        id={inputId}
        className="ck-file"
        type="file"
        accept="image/*"
        capture="environment"
        disabled={disabled}
        onChange={(e) => void onFile(e.target.files?.[0])}
      />
      {preview && <img className="ck-thumb" src={preview} alt="" />}
      <div
        className="fr-help"
        data-testid="photo-status"
        data-photo-id={(value as { photoId?: string })?.photoId}
      >
        {status}
      </div>
    </div>
  );
}
