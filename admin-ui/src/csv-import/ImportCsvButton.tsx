// A list's Import button (employees, departments): pick a CSV → dry run (counts, or every error by
// line and column) → confirm → import, all or nothing, through the resource's POST …/import.
// Shown only to those who may write the resource; the texts that name the resource come from
// `labels` (title, help, summary, done), the rest from `csv_import`.
import UploadFileIcon from '@mui/icons-material/UploadFile';
import {
  Alert,
  Button as MuiButton,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { Button, useCanAccess, useLocaleState, useNotify, useRefresh, useTranslate } from 'react-admin';
import { httpClient } from '../dataProvider.ts';

interface Counts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}
interface Issue {
  line: number;
  column: string;
  message: string;
  /** both languages; `message` follows the browser's Accept-Language, the UI its own locale */
  messages?: { zh: string; en: string };
}

async function postCsv(endpoint: string, csv: string, dryRun: boolean): Promise<Counts> {
  const res = await httpClient(`${endpoint}${dryRun ? '?dryRun=true' : ''}`, {
    method: 'POST',
    headers: new Headers({ 'Content-Type': 'text/csv; charset=utf-8', Accept: 'application/json' }),
    body: csv,
  });
  return res.json as Counts;
}

/** The problem+json errors of a refused file, or one line for anything else. */
const issuesOf = (e: unknown): Issue[] => {
  const body = (e as { body?: { errors?: Issue[]; title?: string } }).body;
  if (body?.errors?.length && body.errors.every((x) => typeof x.line === 'number')) return body.errors;
  // anything else (the file is not CSV, no permission): the call's message is already in the UI's words
  return [{ line: 0, column: '', message: String((e as Error).message ?? e) }];
};

export const ImportCsvButton = ({
  resource,
  endpoint,
  labels,
}: {
  /** the react-admin resource whose write permission the import needs */
  resource: string;
  /** e.g. /api/employees/import */
  endpoint: string;
  /** the i18n prefix of the resource's texts, e.g. employees.import */
  labels: string;
}) => {
  const t = useTranslate();
  const { canAccess } = useCanAccess({ resource, action: 'create' });
  const [locale] = useLocaleState();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [checked, setChecked] = useState<Counts | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setFile(null);
    setChecked(null);
    setIssues([]);
  };
  const pick = async (f: File | undefined) => {
    reset();
    if (!f) return;
    const text = await f.text();
    setFile({ name: f.name, text });
    setBusy(true);
    try {
      setChecked(await postCsv(endpoint, text, true));
    } catch (e) {
      setIssues(issuesOf(e));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    if (!file) return;
    setBusy(true);
    try {
      const done = await postCsv(endpoint, file.text, false);
      notify(`${labels}.done`, { type: 'success', messageArgs: { ...done } });
      setOpen(false);
      reset();
      refresh();
    } catch (e) {
      setChecked(null);
      setIssues(issuesOf(e));
    } finally {
      setBusy(false);
    }
  };

  if (!canAccess) return null;
  return (
    <>
      <Button label="csv_import.button" onClick={() => setOpen(true)}>
        <UploadFileIcon />
      </Button>
      <Dialog open={open} onClose={() => !busy && setOpen(false)} maxWidth="md" fullWidth>
        <DialogTitle>{t(`${labels}.title`)}</DialogTitle>
        <DialogContent style={{ display: 'grid', gap: 12 }}>
          <Typography variant="body2" color="text.secondary">
            {t(`${labels}.help`)}
          </Typography>
          <div>
            <MuiButton variant="outlined" component="label" disabled={busy}>
              {t('csv_import.choose')}
              <input
                hidden
                type="file"
                accept=".csv,text/csv"
                data-testid="import-file"
                onChange={(e) => void pick(e.target.files?.[0])}
              />
            </MuiButton>
            {file && <span style={{ marginLeft: 12 }}>{file.name}</span>}
          </div>
          {checked && (
            <Alert severity="info" data-testid="import-summary">
              {t(`${labels}.summary`, { ...checked })}
            </Alert>
          )}
          {issues.length > 0 && (
            <>
              <Alert severity="error">{t('csv_import.has_errors', { count: issues.length })}</Alert>
              <Table size="small" data-testid="import-errors">
                <TableHead>
                  <TableRow>
                    <TableCell>{t('csv_import.line')}</TableCell>
                    <TableCell>{t('csv_import.column')}</TableCell>
                    <TableCell>{t('csv_import.problem')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {issues.map((i, k) => (
                    <TableRow key={k}>
                      <TableCell>{i.line || ''}</TableCell>
                      <TableCell>{i.column}</TableCell>
                      <TableCell>{i.messages?.[locale === 'en' ? 'en' : 'zh'] ?? i.message}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </>
          )}
        </DialogContent>
        <DialogActions>
          <MuiButton onClick={() => setOpen(false)} disabled={busy}>
            {t('ra.action.cancel')}
          </MuiButton>
          <MuiButton variant="contained" disabled={busy || !checked} onClick={() => void confirm()}>
            {t('csv_import.confirm')}
          </MuiButton>
        </DialogActions>
      </Dialog>
    </>
  );
};
