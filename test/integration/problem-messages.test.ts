// A refused request names what is wrong with stable codes and values, and the UIs' packs say it in
// both languages with the values filled in: no English rule inside a Chinese message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translate } from '../../admin-ui/src/i18n/translate.ts';
import { issueText, problemText, type Problem } from '../../admin-ui/src/problem-text.ts';
import { TestContext } from '../helpers/context.ts';

let ctx: TestContext;
before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
});
after(async () => {
  await ctx?.close();
});

const say = (p: unknown, lang: 'zh' | 'en') =>
  problemText(
    { body: p },
    (k, v) => translate(lang, k, v),
    lang,
    (field) =>
      translate(
        lang,
        `settings.fields.${field
          .split('.')
          .filter((k) => !/^\d+$/.test(k))
          .at(-1)}`,
      ),
  );
const detail = (p: Problem, field: string, lang: 'zh' | 'en') => {
  const i = p.errors?.find((x) => x.field === field);
  assert.ok(i, `an issue on ${field} in ${JSON.stringify(p.errors)}`);
  return issueText(i, (k, v) => translate(lang, k, v), lang);
};

describe('policy rules when HR saves settings', () => {
  test('level 3 without level 2, times out of order and an unknown zone: each rule in zh and en', async () => {
    const current = ((await ctx.admin('GET', '/api/policy')).body as { current: Record<string, unknown> })
      .current;
    const r = await ctx.admin('PUT', '/api/policy', {
      policy: {
        ...current,
        timeZone: 'Mars/Olympus',
        windowStart: '08:00',
        windowEnd: '16:00',
        reminderTimes: ['09:00', '17:00', '15:00'],
        enabledLevels: [1, 3],
      },
    });
    assert.equal(r.status, 400);
    const p = r.body as Problem;
    assert.equal(p.code, 'validation_failed');
    const codes = Object.fromEntries((p.errors ?? []).map((i) => [i.field, i.code]));
    assert.deepEqual(codes, {
      'policy.timeZone': 'time_zone_unknown',
      'policy.enabledLevels': 'level3_needs_level2',
      'policy.reminderTimes': 'reminder_order',
    });
    assert.equal(
      detail(p, 'policy.enabledLevels', 'zh'),
      '启用第 3 级（HR 电话）必须同时启用第 2 级（主管）',
    );
    assert.equal(
      detail(p, 'policy.enabledLevels', 'en'),
      'level 3 (HR phone call) needs level 2 (manager) to be enabled',
    );
    assert.equal(
      detail(p, 'policy.reminderTimes', 'zh'),
      '时间须依次递增：开始 08:00 < 第 1 次提醒 < 第 2 次提醒 < 第 3 次提醒 < 截止 16:00',
    );
    assert.match(detail(p, 'policy.reminderTimes', 'en'), /window start 08:00 < .* window end 16:00$/);
    const zh = say(p, 'zh');
    const en = say(p, 'en');
    assert.match(zh, /^提交的内容有误/);
    assert.match(zh, /时区：不是已知的时区/);
    assert.doesNotMatch(zh, /[A-Za-z]{4,} [a-z]{3,}/, `no English sentence in ${zh}`);
    assert.match(en, /Time zone: is not a known time zone/);
    assert.doesNotMatch(en, /[\u4e00-\u9fff]/, `no Chinese in ${en}`);
  });

  test('a change effective today names tomorrow as the earliest date', async () => {
    const { current } = (await ctx.admin('GET', '/api/policy')).body as { current: Record<string, unknown> };
    const clock = (await ctx.admin('GET', '/api/company/clock')).body as { today: string; tomorrow?: string };
    const r = await ctx.admin('PUT', '/api/policy', { policy: current, effectiveFrom: clock.today });
    assert.equal(r.status, 400);
    const i = (r.body as Problem).errors?.[0];
    assert.equal(i?.code, 'effective_from_too_early');
    const tomorrow = String(i?.params?.date);
    assert.ok(tomorrow > clock.today, `${tomorrow} after ${clock.today}`);
    assert.equal(
      detail(r.body as Problem, 'effectiveFrom', 'zh'),
      `最早从 ${tomorrow} 起生效：已经开始的当天仍按原规则执行`,
    );
    assert.equal(
      detail(r.body as Problem, 'effectiveFrom', 'en'),
      `must be ${tomorrow} or later: days already running keep the policy they started with`,
    );
  });

  test('a zod limit carries its value: a grace of two days is over 1440 minutes', async () => {
    const { current } = (await ctx.admin('GET', '/api/policy')).body as { current: Record<string, unknown> };
    const r = await ctx.admin('PUT', '/api/policy', { policy: { ...current, lateGraceMinutes: 2880 } });
    assert.equal(r.status, 400);
    assert.equal(detail(r.body as Problem, 'policy.lateGraceMinutes', 'zh'), '不能大于 1440');
    assert.equal(detail(r.body as Problem, 'policy.lateGraceMinutes', 'en'), 'must be at most 1440');
  });
});
