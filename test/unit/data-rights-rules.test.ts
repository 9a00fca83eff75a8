// The rules of an approved correction and of photos removed by retention, as pure functions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultForm } from '../../domain/forms/default-form.ts';
import type { FormDefinition } from '../../domain/forms/form-definition.ts';
import { removedByRetention, renderAnswers } from '../../domain/forms/render-answers.ts';
import { correctionErrors, reviewAfterCorrection } from '../../domain/privacy/data-request.ts';
import { markPhotosRemoved, photoIdsOf } from '../../domain/privacy/minimisation.ts';

const form: FormDefinition = {
  ...defaultForm,
  fields: [
    ...defaultForm.fields,
    { key: 'where', type: 'location', required: false, label: { zh: '位置', en: 'Location' } },
    { key: 'shot', type: 'photo', required: false, label: { zh: '截图', en: 'Screenshot' } },
  ],
};
const base = { temperature: 36.5, healthCode: 'green', hasSymptoms: false };

describe('an approved correction', () => {
  test('opens a review only for a current record that became abnormal and has none', () => {
    assert.equal(reviewAfterCorrection({ isCurrent: true, severity: 'red' }, undefined), 'open');
    assert.equal(reviewAfterCorrection({ isCurrent: false, severity: 'red' }, undefined), 'none');
    assert.equal(reviewAfterCorrection({ isCurrent: true, severity: 'normal' }, undefined), 'none');
  });
  test('updates an open review that follows the record, only notes a decided or moved-on one', () => {
    const current = { isCurrent: true, severity: 'normal' } as const;
    for (const status of ['pending', 'recheck_requested'] as const)
      assert.equal(reviewAfterCorrection(current, { status, followsRecord: true }), 'update');
    assert.equal(reviewAfterCorrection(current, { status: 'approved', followsRecord: true }), 'note');
    assert.equal(reviewAfterCorrection(current, { status: 'pending', followsRecord: false }), 'note');
  });
  test('is not blocked by answers retention removed, but its own answers must fit', () => {
    const stored = {
      ...base,
      where: { status: 'removed' },
      shot: { photoId: 'abc', status: 'removed' },
    };
    assert.deepEqual(correctionErrors(form, stored, { temperature: 36.6 }), []);
    assert.deepEqual(
      correctionErrors(form, stored, { temperature: 'hot' }).map((e) => e.field),
      ['temperature'],
    );
    assert.deepEqual(
      correctionErrors(form, stored, { shot: { photoId: 'abc', status: 'removed' } }).map((e) => e.field),
      ['shot'],
      'a correction cannot set a removed marker itself',
    );
  });
});

describe('photos removed by retention', () => {
  test('marks the answers naming a removed photo, keeping the reference', () => {
    const answers = { ...base, shot: { photoId: 'a' }, other: { photoId: 'b' } };
    const r = markPhotosRemoved(answers, new Set(['a']));
    assert.equal(r.removed, 1);
    assert.deepEqual(r.answers.shot, { photoId: 'a', status: 'removed' });
    assert.deepEqual(r.answers.other, { photoId: 'b' });
    assert.deepEqual(photoIdsOf(r.answers), ['b']);
    assert.equal(markPhotosRemoved(r.answers, new Set(['a'])).removed, 0, 'idempotent');
  });
  test('render as "removed by retention policy" in both languages', () => {
    const rendered = renderAnswers(form, {
      ...base,
      where: { status: 'removed' },
      shot: { photoId: 'a', status: 'removed' },
    });
    for (const key of ['where', 'shot'])
      assert.deepEqual(rendered.find((a) => a.key === key)?.value, removedByRetention);
    assert.deepEqual(
      renderAnswers(form, { ...base, where: { status: 'not_provided' } }).find((a) => a.key === 'where')
        ?.value,
      { zh: '未提供', en: 'not provided' },
    );
  });
});
