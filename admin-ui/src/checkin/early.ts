// The answers public/checkin-boot.js asked for before the page's scripts arrived: the signed
// link's exchange and today's form. Each is taken once, and only for the same link and session.
import { NetworkError, settle } from './api.ts';

interface Answer {
  status: number;
  text: string;
}
interface Early {
  token: string;
  link: Promise<Answer>;
  today: Promise<{ session: string; answer: Answer } | null>;
  linkTaken?: boolean;
  todayTaken?: boolean;
}

const early = () => (window as unknown as { __checkinEarly?: Early }).__checkinEarly;

/** fetch failing (offline, server away) reads as NetworkError, like api() */
const answered = async <A>(p: Promise<A>) => {
  try {
    return await p;
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err));
  }
};

/** The exchange of this link token, if the boot script started it; undefined otherwise. */
export async function earlyLinkExchange(linkToken: string): Promise<{ token: string } | undefined> {
  const e = early();
  if (!e || e.token !== linkToken || e.linkTaken) return undefined;
  e.linkTaken = true;
  const a = await answered(e.link);
  return settle<{ token: string }>(a.status, a.text);
}

/** Today's form for this session, if the boot script fetched it; undefined otherwise. */
export async function earlyToday<T>(session: string): Promise<T | undefined> {
  const e = early();
  if (!e || e.todayTaken) return undefined;
  e.todayTaken = true;
  const got = await e.today.catch(() => null);
  if (!got || got.session !== session) return undefined;
  return settle<T>(got.answer.status, got.answer.text);
}
