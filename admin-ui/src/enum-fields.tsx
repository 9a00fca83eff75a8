// A column with a fixed set of values (a status, a kind): each value shown, chosen in a filter and
// labelled by its translation `${prefix}.${value}`, so a list names its values once.
import { FunctionField, SelectInput, useTranslate } from 'react-admin';

/** The choices of a SelectInput over `values`, each labelled `${prefix}.${value}`. */
export const enumChoices = (prefix: string, values: readonly string[]) =>
  values.map((id) => ({ id, name: `${prefix}.${id}` }));

/** A list's status filter, always shown (the reviews' and the data requests' lists). */
export const statusFilter = (prefix: string, values: readonly string[]) => (
  <SelectInput key="status" source="status" alwaysOn choices={enumChoices(prefix, values)} />
);

/** The value of `source` in the UI's words. */
export const EnumField = ({ source, prefix, label }: { source: string; prefix: string; label?: string }) => {
  const t = useTranslate();
  return (
    <FunctionField<Record<string, unknown>>
      source={source}
      label={label}
      render={(r) => t(`${prefix}.${String(r[source])}`)}
    />
  );
};
