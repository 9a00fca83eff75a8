// Building blocks of the response schemas every feature declares next to its routes (the contract's
// `response.schema`): what a JSON answer carries on the wire, and the TypeScript type a handler must
// send for it. `Sent<S>` is the schema's input side with a Date allowed where the schema says
// `timestamp` (res.json writes it as an ISO string), so a service whose result no longer fits the
// documented shape fails to compile, and the test-mode check (contract.ts) catches the rest.
import { z } from 'zod';
import { severities } from '../../domain/forms/form-definition.ts';

/**
 * An instant, as JSON.stringify writes a Date (ISO 8601 with an offset). The handler may hand over
 * the Date itself: the input type says so, the wire and the document say string date-time.
 */
export const timestamp = z.iso.datetime({ offset: true }) as unknown as z.ZodType<string, string | Date>;
/** A company calendar date, YYYY-MM-DD (Postgres `date`, read as text). */
export const calendarDate = z.iso.date();
/** A database key (integer or bigserial, both read as numbers). */
export const id = z.number().int();
/** A count. */
export const count = z.number().int().min(0);

/** A value as res.json takes it: what serializes to the schema's input (a read-only list is a list). */
type Wire<T> = T extends Date
  ? T
  : T extends readonly (infer U)[]
    ? readonly Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** What a handler passes to res.json for a route whose contract answers `S`. */
export type Sent<S extends z.ZodType> = Wire<z.input<S>>;

/** The answer of a write that only says it is done. */
export const okSchema = z.strictObject({ ok: z.literal(true) });

/** A text in both languages the UIs show. */
export const localizedText = z.strictObject({ zh: z.string(), en: z.string() });
export const severity = z.enum(severities);
/** Why a record is flagged: a field's rule or a rule over several days (`history:<kind>`). */
export const anomalyReason = z.strictObject({
  source: z.string(),
  severity: z.enum(['warning', 'red']),
  text: localizedText,
});
/** An answer as a person reads it, labelled by the record's own form version. */
export const renderedAnswer = z.strictObject({ key: z.string(), label: localizedText, value: localizedText });
/** A record's answers by field key (a number, a choice, a location, a photo reference, …). */
export const answers = z.record(z.string(), z.unknown());
