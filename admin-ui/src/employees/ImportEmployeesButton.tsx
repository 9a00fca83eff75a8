// The employee list's Import button: pick a CSV → dry run (counts, or every error by line and
// column) → confirm → import, all or nothing, through POST /api/employees/import.
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
import { Button, useLocaleState, useNotify, useRefresh, useTranslate } from 'react-admin';
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

async function postCsv(csv: string, dryRun: boolean): Promise<Counts> {
  const res = await httpClient(`/api/employees/import${dryRun ? '?dryRun=true' : ''}`, {
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
  return [{ line: 0, column: '', message: body?.title ?? String((e as Error).message ?? e) }];
};

export const ImportEmployeesButton = () => {
  const t = useTranslate();
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
      setChecked(await postCsv(text, true));
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
      const done = await postCsv(file.text, false);
      notify('employees.import.done', { type: 'success', messageArgs: { ...done } });
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

  return (
    <>
      <Button label="employees.import.button" onClick={() => setOpen(true)}>
        <UploadFileIcon />
      </Button>
      <Dialog open={open} onClose={() => !busy && setOpen(false)} maxWidth="md" fullWidth>
        <DialogTitle>{t('employees.import.title')}</DialogTitle>
        <DialogContent style={{ display: 'grid', gap: 12 }}>
          <Typography variant="body2" color="text.secondary">
            {t('employees.import.help')}
          </Typography>
          <div>
            <MuiButton variant="outlined" component="label" disabled={busy}>
              {t('employees.import.choose')}
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
              {t('employees.import.summary', { ...checked })}
            </Alert>
          )}
          {issues.length > 0 && (
            <>
              <Alert severity="error">{t('employees.import.has_errors', { count: issues.length })}</Alert>
              <Table size="small" data-testid="import-errors">
                <TableHead>
                  <TableRow>
                    <TableCell>{t('employees.import.line')}</TableCell>
                    <TableCell>{t('employees.import.column')}</TableCell>
                    <TableCell>{t('employees.import.problem')}</TableCell>
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
            {t('employees.import.confirm')}
          </MuiButton>
        </DialogActions>
      </Dialog>
    </>
  );
};
