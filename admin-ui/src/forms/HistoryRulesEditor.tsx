// Rules over the employee's recent days: "N days in a row at warning or worse" and "today matches X
// and within N days before it Y matched", each raising today's severity.
import DeleteIcon from '@mui/icons-material/Delete';
import { Card, CardContent, IconButton, MenuItem, TextField, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { FieldDefinition, HistoryRule } from '../../../domain/forms/form-definition.ts';
import { errorsUnder, type PathErrors } from './api.ts';
import { ConditionRow } from './ConditionRow.tsx';
import { AddButton, Section } from './Section.tsx';
import { NumberInput } from './inputs.tsx';

type Level = 'warning' | 'red';

function LevelSelect(props: { label: string; value: Level; onChange: (v: Level) => void }) {
  const t = useTranslate();
  return (
    <TextField
      select
      size="small"
      label={props.label}
      value={props.value}
      style={{ width: 120 }}
      onChange={(e) => props.onChange(e.target.value as Level)}
    >
      <MenuItem value="warning">{t('app.severity.warning')}</MenuItem>
      <MenuItem value="red">{t('app.severity.red')}</MenuItem>
    </TextField>
  );
}

export function HistoryRulesEditor(props: {
  rules: HistoryRule[];
  fields: FieldDefinition[];
  errors: PathErrors;
  readOnly: boolean;
  onChange: (rules: HistoryRule[]) => void;
}) {
  const t = useTranslate();
  const set = (i: number, r: HistoryRule) => props.onChange(props.rules.map((x, j) => (j === i ? r : x)));
  const first = props.fields[0]?.key ?? '';
  return (
    <Card variant="outlined" data-testid="history-rules">
      <fieldset disabled={props.readOnly} style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
        <CardContent style={{ display: 'grid', gap: 12 }}>
          <Typography variant="subtitle1">{t('forms.history_rules')}</Typography>
          {props.rules.map((r, i) => {
            const errors = errorsUnder(props.errors, `historyRules.${i}`);
            return (
              <Section key={i} title={t(`forms.history_kind.${r.kind}`)}>
                <div className="fb-row">
                  {r.kind === 'consecutive' ? (
                    <>
                      <NumberInput
                        label={t('forms.consecutive_days')}
                        value={r.days}
                        onChange={(days) => set(i, { ...r, days: days ?? 2 })}
                        error={errors.days}
                      />
                      <LevelSelect
                        label={t('forms.at_least')}
                        value={r.atLeast}
                        onChange={(atLeast) => set(i, { ...r, atLeast })}
                      />
                    </>
                  ) : (
                    <NumberInput
                      label={t('forms.window_days')}
                      value={r.windowDays}
                      onChange={(windowDays) => set(i, { ...r, windowDays: windowDays ?? 1 })}
                      error={errors.windowDays}
                    />
                  )}
                  <LevelSelect
                    label={t('forms.raise_to')}
                    value={r.severity}
                    onChange={(severity) => set(i, { ...r, severity })}
                  />
                  <IconButton
                    size="small"
                    aria-label={t('forms.remove')}
                    onClick={() => props.onChange(props.rules.filter((_, j) => j !== i))}
                  >
                    <DeleteIcon fontSize="small" />
                  </IconButton>
                </div>
                {r.kind === 'within' && (
                  <>
                    <Typography variant="caption">{t('forms.when')}</Typography>
                    <ConditionRow
                      condition={r.when}
                      fields={props.fields}
                      onChange={(when) => set(i, { ...r, when })}
                    />
                    <Typography variant="caption">{t('forms.previously')}</Typography>
                    <ConditionRow
                      condition={r.previously}
                      fields={props.fields}
                      onChange={(previously) => set(i, { ...r, previously })}
                    />
                  </>
                )}
                {errors[''] && (
                  <Typography color="error" variant="body2">
                    {errors['']}
                  </Typography>
                )}
              </Section>
            );
          })}
          <div className="fb-row">
            <AddButton
              label={t('forms.add_consecutive')}
              onClick={() =>
                props.onChange([
                  ...props.rules,
                  { kind: 'consecutive', days: 2, atLeast: 'warning', severity: 'red' },
                ])
              }
            />
            <AddButton
              label={t('forms.add_within')}
              disabled={!first}
              onClick={() =>
                props.onChange([
                  ...props.rules,
                  {
                    kind: 'within',
                    when: { field: first, op: 'present' },
                    previously: { field: first, op: 'present' },
                    windowDays: 3,
                    severity: 'red',
                  },
                ])
              }
            />
          </div>
        </CardContent>
      </fieldset>
    </Card>
  );
}
