// The two answers HR scans a list for — temperature and health code — read from the record's
// opened answers (sealed in the database, so not sortable).
import { FunctionField, useTranslate } from 'react-admin';

interface WithAnswers {
  answers?: Record<string, unknown> | null;
}

export const TemperatureField = (_props: { label?: string; sortable?: boolean }) => (
  <FunctionField<WithAnswers>
    label="resources.records.fields.temperature"
    sortable={false}
    render={(r) => (typeof r.answers?.temperature === 'number' ? `${r.answers.temperature} ℃` : '')}
  />
);

const HealthCode = ({ value }: { value: unknown }) => {
  const t = useTranslate();
  return typeof value === 'string' ? <>{t(`health_code.${value}`, { _: value })}</> : null;
};

export const HealthCodeField = (_props: { label?: string; sortable?: boolean }) => (
  <FunctionField<WithAnswers>
    label="resources.records.fields.health_code"
    sortable={false}
    render={(r) => <HealthCode value={r.answers?.healthCode} />}
  />
);
