// Whether today's check-in is open, late or closed, re-judged every 30 s so a page left open shows
// the window closing. Judged on the device's clock: the page may be running offline from the
// service worker's copy of today, whose server time would be stale.
import { useEffect, useState } from 'react';

export type WindowState = 'open' | 'late' | 'closed';

export interface TodayWindow {
  status: { closesAt: string; lateUntil: string };
}

export function windowAt(nowMs: number, status: TodayWindow['status']): WindowState {
  if (nowMs <= Date.parse(status.closesAt)) return 'open';
  // lateUntil equals closesAt when the company refuses late submissions
  return nowMs <= Date.parse(status.lateUntil) ? 'late' : 'closed';
}

export function useWindowState(today: TodayWindow | undefined): WindowState | undefined {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [today]);
  return today ? windowAt(now, today.status) : undefined;
}
