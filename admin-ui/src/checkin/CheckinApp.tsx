// The employee's page: sign in, today's form (prefilled where allowed), validation with the API's
// own validator, the submission kept on the device until the server has it, then the confirmation.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { FormDefinition } from '../../../domain/forms/form-definition.ts';
import { validateAnswers, type AnswerError } from '../../../domain/forms/validate-answers.ts';
import { FormRenderer, type FieldSlot } from '../form-renderer/FormRenderer.tsx';
import { problemText } from '../problem-text.ts';
import { api, ApiError, NetworkError } from './api.ts';
import { Confirmation } from './Confirmation.tsx';
import { earlyToday } from './early.ts';
import { useLang } from './i18n.ts';
import { LocationField } from './LocationField.tsx';
import {
  pruneSynced,
  putSubmission,
  submissionFor,
  type QueuedSubmission,
  type StoredRecord,
} from './outbox.ts';
import { MyData } from './MyData.tsx';
import { photoField } from './PhotoField.tsx';
import { PrivacyGate } from './PrivacyNotice.tsx';
import { forgetSession, signIn, type Session } from './session.ts';
import { sendQueued } from './sync.ts';
import { useWindowState, type TodayWindow } from './window-state.ts';

interface Today extends TodayWindow {
  workDate: string;
  timeZone: string;
  employee: { id: number; name: string; departmentName: string | null };
  form: FormDefinition & { version: number };
  prefill: { fromWorkDate: string | null; values: Record<string, unknown> };
  record: StoredRecord | null;
  review: { status: string } | null;
  /** what to ask before the form (absent from a page cached before privacy notices) */
  privacy?: {
    version: number | null;
    legalBasis: 'consent' | 'hr_management' | null;
    needed: 'none' | 'acknowledge' | 'consent';
    state: 'acknowledged' | 'consented' | 'withdrawn' | null;
  };
}

type Phase = { kind: 'loading' } | { kind: 'message'; text: string } | { kind: 'ready'; today: Today };

/** While a submission waits, how often the page tries again (besides the browser's `online` event). */
const RETRY_MS = 3000;

export function CheckinApp() {
  const { lang, toggle, t } = useLang();
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [session, setSession] = useState<Session | null>(null);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [prefilled, setPrefilled] = useState<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = useState<AnswerError[]>([]);
  const [queued, setQueued] = useState<QueuedSubmission | undefined>();
  const [online, setOnline] = useState(navigator.onLine);
  const syncing = useRef(false);
  const [view, setView] = useState<'checkin' | 'mydata'>('checkin');
  const windowState = useWindowState(phase.kind === 'ready' ? phase.today : undefined);

  const loadToday = useCallback(async (s: Session) => {
    const today =
      (await earlyToday<Today>(s.token)) ?? (await api<Today>('/api/me/today', { token: s.token }));
    setPhase({ kind: 'ready', today });
    return today;
  }, []);

  // Sign in, load today's form (from the service worker's copy when offline), find a queued submission.
  useEffect(() => {
    void (async () => {
      try {
        const s = await signIn();
        if (!s) return setPhase({ kind: 'message', text: 'checkin.open_from_dingtalk' });
        setSession(s);
        const today = await loadToday(s);
        setValues(today.prefill.values);
        setPrefilled(new Set(Object.keys(today.prefill.values)));
        setQueued(await submissionFor(today.employee.id, today.workDate));
        await pruneSynced(today.workDate);
      } catch (err) {
        if (err instanceof ApiError && err.problem.status === 401) {
          forgetSession();
          setPhase({ kind: 'message', text: 'checkin.link_invalid' });
        } else if (err instanceof NetworkError)
          setPhase({ kind: 'message', text: 'checkin.offline_no_data' });
        else setPhase({ kind: 'message', text: problemText(err, t, lang) });
      }
    })();
  }, [loadToday]);

  const sync = useCallback(async () => {
    if (!session || !queued || queued.state !== 'pending' || queued.blocked || syncing.current) return;
    // the server was busy: not before the time it asked for (the timer below wakes us then)
    if (queued.retryAt !== undefined && Date.now() < queued.retryAt) return;
    syncing.current = true;
    try {
      const next = await sendQueued(queued, session, lang);
      setQueued(next);
      if (next.state !== 'pending') await loadToday(session).catch(() => undefined);
    } catch (err) {
      if (err instanceof ApiError && err.problem.status === 401) {
        forgetSession();
        setPhase({ kind: 'message', text: 'checkin.session_expired' });
      }
      // 5xx: the server is there but failing; the next try may succeed.
    } finally {
      syncing.current = false;
    }
  }, [session, queued, lang, loadToday]);

  // Try now, on every `online` event, and every few seconds while something waits.
  useEffect(() => {
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    const timer =
      queued?.state === 'pending' && !queued.blocked ? setInterval(() => void sync(), RETRY_MS) : undefined;
    const due =
      queued?.state === 'pending' && queued.retryAt !== undefined
        ? setTimeout(() => void sync(), Math.max(0, queued.retryAt - Date.now()) + 50)
        : undefined;
    void sync();
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      clearInterval(timer);
      clearTimeout(due);
    };
  }, [sync, queued?.state, queued?.blocked, queued?.retryAt]);

  const slots = useMemo(
    () => ({
      renderLocation: withWhy(LocationField, 'checkin.why_location', t),
      ...(session ? { renderPhoto: withWhy(photoField(session.token), 'checkin.why_photo', t) } : {}),
    }),
    [session, t],
  );

  /** The notice answered: today's form again (fields needing consent), and a held submission resent. */
  const privacyAnswered = useCallback(async () => {
    if (!session) return;
    await loadToday(session).catch(() => undefined);
    if (queued?.blocked) {
      const next: QueuedSubmission = { ...queued, blocked: undefined, problem: undefined };
      await putSubmission(next);
      setQueued(next);
    }
  }, [session, queued, loadToday]);

  if (phase.kind !== 'ready') {
    return (
      <Shell lang={lang} toggle={toggle} t={t}>
        <p className={phase.kind === 'message' ? 'ck-message' : ''} data-testid="message">
          {phase.kind === 'loading' ? t('checkin.loading') : t(phase.text)}
        </p>
      </Shell>
    );
  }
  const { today } = phase;
  const myDataButton = session && (
    <button
      type="button"
      className="ck-link"
      data-testid="toggle-my-data"
      onClick={() => setView(view === 'checkin' ? 'mydata' : 'checkin')}
    >
      {view === 'checkin' ? t('checkin.privacy.my_data') : t('checkin.privacy.back')}
    </button>
  );
  if (session && view === 'mydata') {
    return (
      <Shell lang={lang} toggle={toggle} t={t} extra={myDataButton}>
        <MyData
          token={session.token}
          lang={lang}
          timeZone={today.timeZone}
          onPrivacyChanged={() => void loadToday(session).catch(() => undefined)}
        />
      </Shell>
    );
  }
  if (session && ((today.privacy && today.privacy.needed !== 'none') || queued?.blocked === 'consent')) {
    return (
      <Shell lang={lang} toggle={toggle} t={t} extra={myDataButton}>
        <PrivacyGate
          token={session.token}
          lang={lang}
          queuedWaiting={queued?.blocked === 'consent'}
          onAnswered={() => void privacyAnswered()}
        />
      </Shell>
    );
  }
  const errorFor = Object.fromEntries(errors.map((e) => [e.field, e.message[lang]]));

  const submit = async () => {
    const v = validateAnswers(today.form, values);
    if (!v.ok) return setErrors(v.errors);
    setErrors([]);
    const item: QueuedSubmission = {
      idempotencyKey: crypto.randomUUID(),
      employeeId: today.employee.id,
      workDate: today.workDate,
      formVersion: today.form.version,
      answers: v.answers,
      clientSubmittedAt: new Date().toISOString(),
      state: 'pending',
    };
    await putSubmission(item);
    setQueued(item);
  };

  const record = today.record ?? queued?.record ?? null;
  const showForm = !record && queued?.state !== 'pending';
  /** a time of today's window as the company's wall clock, e.g. 10:00 */
  const at = (iso: string) =>
    new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: today.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(iso));
  // The refusal in the language now chosen (code, params and field details from the packs); a
  // submission queued by an older page kept only its text.
  const failure = queued?.problem
    ? problemText({ problem: queued.problem }, t, lang)
    : queued?.errorCode === 'submission_window_closed'
      ? t('checkin.window_closed_at', { time: at(today.status.lateUntil) })
      : queued?.error;
  return (
    <Shell lang={lang} toggle={toggle} t={t} extra={myDataButton}>
      <p className="ck-hello" data-testid="hello">
        {t('checkin.hello', {
          name: `${today.employee.name}${today.employee.departmentName ? `（${today.employee.departmentName}）` : ''}`,
          date: today.workDate,
        })}
      </p>
      {!online && (
        <div className="ck-banner" role="status">
          {t('checkin.offline_banner')}
        </div>
      )}
      {showForm && windowState === 'closed' ? (
        <div className="ck-card ck-closed" role="status" data-testid="window-state" data-state="closed">
          <h2>{t('checkin.window_closed')}</h2>
          <p>{t('checkin.window_closed_at', { time: at(today.status.lateUntil) })}</p>
          {queued?.state === 'failed' && <p>{t('checkin.failed')}</p>}
        </div>
      ) : showForm ? (
        <form
          className="ck-card"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          {windowState === 'late' && (
            <div className="ck-banner" role="status" data-testid="window-state" data-state="late">
              {t('checkin.window_late', {
                closed: at(today.status.closesAt),
                until: at(today.status.lateUntil),
              })}
            </div>
          )}
          {queued?.state === 'failed' && (
            <div className="ck-error" role="alert" data-testid="sync-state" data-state="failed">
              {t('checkin.failed')}：{failure}
            </div>
          )}
          <FormRenderer
            form={today.form}
            values={values}
            onChange={(next) => {
              setValues(next);
              // A prefilled answer the employee changes is theirs now.
              setPrefilled((p) => new Set([...p].filter((k) => next[k] === today.prefill.values[k])));
            }}
            errors={errorFor}
            lang={lang}
            prefilled={prefilled}
            {...slots}
          />
          {errors.length > 0 && (
            <div className="ck-error" role="alert">
              {t('checkin.fix_errors')}
            </div>
          )}
          <button type="submit" className="ck-primary">
            {t('checkin.submit')}
          </button>
        </form>
      ) : (
        <Confirmation
          record={record}
          queued={queued}
          review={today.record ? today.review : null}
          timeZone={today.timeZone}
          lang={lang}
          token={session?.token ?? ''}
        />
      )}
    </Shell>
  );
}

/** A location or photo field with the company's reason for asking (the form's, else the page's). */
function withWhy(slot: FieldSlot, fallbackKey: string, t: (k: string) => string): FieldSlot {
  return (props) => (
    <>
      {slot(props)}
      <div className="ck-why" data-testid={`why-${props.field.key}`}>
        {props.field.why?.[props.lang] ?? t(fallbackKey)}
      </div>
    </>
  );
}

function Shell(props: {
  lang: 'zh' | 'en';
  toggle: () => void;
  t: (k: string) => string;
  children: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <main className="ck-page" lang={props.lang === 'zh' ? 'zh-CN' : 'en'}>
      <header className="ck-header">
        <h1>{props.t('checkin.title')}</h1>
        {props.extra}
        <button type="button" className="ck-lang" onClick={props.toggle}>
          {props.t('checkin.language')}
        </button>
      </header>
      {props.children}
    </main>
  );
}
