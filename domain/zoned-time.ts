// Converting between a company's wall clock and UTC instants with the platform's tz data (Intl).

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(instantMs: number, timeZone: string): WallClock {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(instantMs))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

function wallAsUtcMs(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** Offset (ms) of `timeZone` from UTC at the given instant. */
function offsetAt(instantMs: number, timeZone: string): number {
  const flooredMs = Math.floor(instantMs / 1000) * 1000;
  return wallAsUtcMs(wallClockAt(flooredMs, timeZone)) - flooredMs;
}

/**
 * The UTC instant at which the wall clock in `timeZone` shows `date` `time`.
 * A time skipped by a DST jump resolves to the instant after the gap (02:30 → 03:30);
 * a repeated time resolves to its first occurrence.
 */
export function zonedWallTimeToUtc(date: string, time: string, timeZone: string): Date {
  if (!DATE_RE.test(date)) throw new RangeError(`Invalid date "${date}", expected YYYY-MM-DD`);
  const m = TIME_RE.exec(time);
  if (!m) throw new RangeError(`Invalid time "${time}", expected HH:MM`);
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wallMs = Date.UTC(y, mo - 1, d, Number(m[1]), Number(m[2]), Number(m[3] ?? 0));
  // Try the offsets in force a day either side; the earliest candidate that round-trips wins.
  const candidates = [offsetAt(wallMs - 86_400_000, timeZone), offsetAt(wallMs + 86_400_000, timeZone)]
    .map((off) => wallMs - off)
    .sort((a, b) => a - b);
  for (const c of candidates) {
    if (wallAsUtcMs(wallClockAt(c, timeZone)) === wallMs) return new Date(c);
  }
  // In a DST gap: read the wall time with the offset from before the jump, which lands after it.
  const before = offsetAt(wallMs - 86_400_000, timeZone);
  return new Date(wallMs - before);
}

/** The calendar date (YYYY-MM-DD) in `timeZone` at the given instant. */
export function workDateAt(instant: Date, timeZone: string): string {
  const w = wallClockAt(instant.getTime(), timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The wall-clock time (HH:MM, 24 h) in `timeZone` at the given instant. */
export function wallTimeAt(instant: Date, timeZone: string): string {
  const w = wallClockAt(instant.getTime(), timeZone);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

export function isValidDate(date: string): boolean {
  if (!DATE_RE.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(date);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A Date whose UTC fields show the wall clock in `timeZone` (for spreadsheets, which have no zones). */
export function wallClockDate(instant: Date, timeZone: string): Date {
  return new Date(wallAsUtcMs(wallClockAt(instant.getTime(), timeZone)) + (instant.getTime() % 1000));
}
