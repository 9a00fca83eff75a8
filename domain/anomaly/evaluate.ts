// The one anomaly evaluation: field rules on today's answers plus rules over recent days.
// Pure, so the API (storing severity on the record) and workflows use the same function.
import { describeCondition, holds, test, type Answers } from '../forms/conditions.ts';
import {
  maxSeverity,
  severityRank,
  type FormDefinition,
  type LocalizedText,
  type Severity,
} from '../forms/form-definition.ts';

export interface AnomalyReason {
  /** field key, or `history:<kind>` for rules over several days */
  source: string;
  severity: Exclude<Severity, 'normal'>;
  text: LocalizedText;
}

export interface Assessment {
  severity: Severity;
  reasons: AnomalyReason[];
}

/** How far back (calendar days) the history rules look: the records `assess` is given. */
export const HISTORY_DAYS = 30;

export interface PastDay {
  workDate: string;
  severity: Severity;
  answers: Answers;
}

/** Field rules of the form against one record's answers. */
export function evaluateAnswers(form: FormDefinition, answers: Answers): Assessment {
  const reasons: AnomalyReason[] = [];
  for (const f of form.fields) {
    // Of a field's rules only the most severe that matches counts (38.2 ℃ is red, not also warning).
    let best: AnomalyReason | undefined;
    for (const r of f.rules ?? []) {
      if (!test(r.op, answers[f.key], r.value)) continue;
      if (!best || severityRank[r.severity] > severityRank[best.severity]) {
        best = {
          source: f.key,
          severity: r.severity,
          text: r.reason ?? describeCondition(f.label, r.op, r.value),
        };
      }
    }
    if (best) reasons.push(best);
  }
  return { severity: reasons.reduce<Severity>((s, r) => maxSeverity(s, r.severity), 'normal'), reasons };
}

const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);

/**
 * Today's assessment including the form's history rules. `history` holds the employee's earlier
 * records (any order); "consecutive" counts the employee's previous check-ins, so a weekend or a
 * holiday in between does not break a streak.
 */
export function assess(
  form: FormDefinition,
  workDate: string,
  answers: Answers,
  history: PastDay[],
): Assessment {
  const today = evaluateAnswers(form, answers);
  const reasons = [...today.reasons];
  const past = history
    .filter((h) => h.workDate < workDate)
    .sort((a, b) => (a.workDate < b.workDate ? 1 : -1));
  for (const rule of form.historyRules) {
    if (rule.kind === 'consecutive') {
      const atLeast = severityRank[rule.atLeast];
      const previous = past.slice(0, rule.days - 1);
      if (
        severityRank[today.severity] >= atLeast &&
        previous.length === rule.days - 1 &&
        previous.every((p) => severityRank[p.severity] >= atLeast)
      ) {
        reasons.push({
          source: 'history:consecutive',
          severity: rule.severity,
          text: { zh: `连续 ${rule.days} 天异常`, en: `${rule.days} abnormal days in a row` },
        });
      }
    } else if (holds(rule.when, answers)) {
      const earlier = past.find(
        (p) => daysBetween(workDate, p.workDate) <= rule.windowDays && holds(rule.previously, p.answers),
      );
      if (earlier) {
        const fw = form.fields.find((f) => f.key === rule.when.field)?.label ?? {
          zh: rule.when.field,
          en: rule.when.field,
        };
        const fp = form.fields.find((f) => f.key === rule.previously.field)?.label ?? {
          zh: rule.previously.field,
          en: rule.previously.field,
        };
        const w = describeCondition(fw, rule.when.op, rule.when.value);
        const p = describeCondition(fp, rule.previously.op, rule.previously.value);
        reasons.push({
          source: 'history:within',
          severity: rule.severity,
          text: {
            zh: `${w.zh}，且 ${rule.windowDays} 天内（${earlier.workDate}）曾 ${p.zh}`,
            en: `${w.en} within ${rule.windowDays} days of ${p.en} (${earlier.workDate})`,
          },
        });
      }
    }
  }
  return { severity: reasons.reduce<Severity>((s, r) => maxSeverity(s, r.severity), 'normal'), reasons };
}
