// Exports: request an Excel or PDF report for a date range and departments; small ones download at
// once, large ones run in the background with a progress bar and a download link.
import {
  Button,
  Card,
  CardContent,
  LinearProgress,
  MenuItem,
  Select,
  TextField,
  Typography,
} from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Title, useGetList, useNotify, useTranslate } from 'react-admin';
import { csrfToken } from '../authProvider.ts';
import { DateRangeFields, useDateRange } from '../DateRangeFields.tsx';
import { getJson } from '../dataProvider.ts';

interface ExportRow {
  id: number;
  format: 'xlsx' | 'pdf';
  filter: { from: string; to: string; departmentIds: number[] };
  status: string;
  percent: number;
  progress: number;
  total: number | null;
  fileName: string | null;
  downloadUrl: string | null;
  createdAt: string;
}

async function download(url: string, init?: RequestInit) {
  const res = await fetch(url, {
    ...init,
    credentials: 'same-origin',
    headers: { ...(init?.headers ?? {}), 'x-csrf-token': csrfToken() },
  });
  if (!res.ok) throw new Error(((await res.json()) as { title?: string }).title ?? `HTTP ${res.status}`);
  return res;
}

/** The name the server gave the file: RFC 5987 `filename*` (Chinese), else the ASCII `filename`. */
function fileNameOf(res: Response, fallback: string): string {
  const header = res.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded);
    } catch {
      // malformed: fall through to the plain name
    }
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? fallback;
}

async function save(res: Response, fallback: string) {
  saveBlob(await res.blob(), fileNameOf(res, fallback));
}

function saveBlob(blob: Blob, name: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

export const ExportsPage = () => {
  const t = useTranslate();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const range = useDateRange(7);
  const { from, to } = range;
  const [format, setFormat] = useState<'xlsx' | 'pdf'>('xlsx');
  const [dept, setDept] = useState<number | ''>('');
  // every report holds health data: the API refuses one without a stated purpose (PIPL)
  const [purpose, setPurpose] = useState('');
  const { data: departments } = useGetList<{ id: number; name: string }>('departments', {
    pagination: { page: 1, perPage: 500 },
    sort: { field: 'name', order: 'ASC' },
  });
  const { data: exports } = useQuery({
    queryKey: ['exports'],
    queryFn: () => getJson<ExportRow[]>('/api/exports'),
    refetchInterval: 2000,
  });

  const request = async () => {
    try {
      const res = await download('/api/exports', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from, to, format, departmentIds: dept ? [dept] : [], purpose }),
      });
      if (res.status === 202) {
        notify('exports.queued', { type: 'info' });
        await queryClient.invalidateQueries({ queryKey: ['exports'] });
      } else await save(res, `health-checkin_${from}_${to}.${format}`);
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    }
  };

  return (
    <Card style={{ margin: 16 }}>
      <Title title={t('exports.title')} />
      <CardContent style={{ display: 'grid', gap: 16 }}>
        <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'center' }}>
          <DateRangeFields range={range} />
          <Select size="small" value={dept} displayEmpty onChange={(e) => setDept(e.target.value)}>
            <MenuItem value="">{t('dashboard.all_departments')}</MenuItem>
            {(departments ?? []).map((d) => (
              <MenuItem key={d.id} value={d.id}>
                {d.name}
              </MenuItem>
            ))}
          </Select>
          <Select size="small" value={format} onChange={(e) => setFormat(e.target.value)}>
            <MenuItem value="xlsx">Excel</MenuItem>
            <MenuItem value="pdf">PDF</MenuItem>
          </Select>
          <TextField
            size="small"
            required
            label={t('exports.purpose')}
            placeholder={t('exports.purpose_hint')}
            value={purpose}
            onChange={(e) => setPurpose(e.target.value)}
            slotProps={{ htmlInput: { maxLength: 500, 'data-testid': 'export-purpose' } }}
            style={{ minWidth: 260 }}
          />
          <Button variant="contained" disabled={!purpose.trim()} onClick={() => void request()}>
            {t('exports.request')}
          </Button>
        </div>
        <Typography variant="h6">{t('exports.recent')}</Typography>
        <table data-testid="exports" style={{ fontSize: 14 }}>
          <tbody>
            {(exports ?? []).map((e) => (
              <tr key={e.id}>
                <td style={{ paddingRight: 16 }}>#{e.id}</td>
                <td style={{ paddingRight: 16 }}>
                  {e.filter.from} – {e.filter.to}
                </td>
                <td style={{ paddingRight: 16 }}>{e.format.toUpperCase()}</td>
                <td style={{ width: 200, paddingRight: 16 }}>
                  <LinearProgress variant="determinate" value={e.percent} />
                </td>
                <td style={{ paddingRight: 16 }}>{e.total === null ? '' : `${e.progress} / ${e.total}`}</td>
                <td style={{ paddingRight: 16 }}>{t(`exports.status.${e.status}`)}</td>
                <td>
                  {e.downloadUrl ? (
                    <Button
                      size="small"
                      onClick={() =>
                        void download(e.downloadUrl ?? '')
                          .then((r) =>
                            save(
                              r,
                              e.fileName ?? `health-checkin_${e.filter.from}_${e.filter.to}.${e.format}`,
                            ),
                          )
                          .catch((err: Error) => notify(err.message, { type: 'error' }))
                      }
                    >
                      {t('exports.download')}
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </CardContent>
    </Card>
  );
};
