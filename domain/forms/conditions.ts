// Evaluating a condition (visibility, anomaly rule) against one answers object.
import type { Condition, Operator } from './form-definition.ts';

type Scalar = number | string | boolean;
export type Answers = Record<string, unknown>;

export function test(op: Operator, actual: unknown, expected: Scalar | Scalar[] | undefined): boolean {
  if (op === 'present') {
    return (
      actual !== undefined &&
      actual !== null &&
      actual !== '' &&
      !(Array.isArray(actual) && actual.length === 0)
    );
  }
  if (actual === undefined || actual === null) return false;
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'neq':
      return actual !== expected;
    case 'gt':
      return typeof actual === 'number' && typeof expected === 'number' && actual > expected;
    case 'gte':
      return typeof actual === 'number' && typeof expected === 'number' && actual >= expected;
    case 'lt':
      return typeof actual === 'number' && typeof expected === 'number' && actual < expected;
    case 'lte':
      return typeof actual === 'number' && typeof expected === 'number' && actual <= expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual as Scalar);
    case 'contains': {
      if (!Array.isArray(actual)) return false;
      const wanted = Array.isArray(expected) ? expected : [expected];
      return wanted.some((w) => (actual as unknown[]).includes(w));
    }
  }
}

export const holds = (c: Condition, answers: Answers): boolean => test(c.op, answers[c.field], c.value);

const opText: Record<Operator, [string, string]> = {
  eq: ['=', '='],
  neq: ['≠', '≠'],
  gt: ['>', '>'],
  gte: ['≥', '≥'],
  lt: ['<', '<'],
  lte: ['≤', '≤'],
  in: ['属于', 'in'],
  contains: ['包含', 'contains'],
  present: ['已填写', 'is present'],
};

export function describeCondition(
  label: { zh: string; en: string },
  op: Operator,
  value: Scalar | Scalar[] | undefined,
) {
  const v = value === undefined ? '' : ` ${Array.isArray(value) ? value.join('/') : `${value}`}`;
  return { zh: `${label.zh} ${opText[op][0]}${v}`, en: `${label.en} ${opText[op][1]}${v}` };
}
