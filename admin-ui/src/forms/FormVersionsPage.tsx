// Form versions: the published one, drafts being edited, retired ones kept for old records. A new
// draft starts from any version.
import {
  Button,
  Card,
  CardContent,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Title, useCanAccess, useNotify, useTranslate } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { createDraft, listVersions, type FormVersion } from './api.ts';
import { useCompanyTime } from '../company-date-fields.tsx';

export const FormVersionsPage = () => {
  const t = useTranslate();
  const notify = useNotify();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { canAccess: canWrite } = useCanAccess({ resource: 'forms', action: 'edit' });
  const { data } = useQuery({ queryKey: ['forms'], queryFn: listVersions });
  const companyTime = useCompanyTime();
  const when = (iso: string | null) => (iso ? companyTime(iso) : '–');

  const startFrom = async (v: FormVersion) => {
    try {
      const draft = await createDraft(v.definition, t('forms.copied_from', { version: v.version }));
      await queryClient.invalidateQueries({ queryKey: ['forms'] });
      navigate(`/forms/${draft.version}`);
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    }
  };

  return (
    <Card style={{ margin: 16 }}>
      <Title title={t('forms.title')} />
      <CardContent>
        <Table size="small" data-testid="form-versions">
          <TableHead>
            <TableRow>
              <TableCell>{t('forms.version')}</TableCell>
              <TableCell>{t('forms.status_label')}</TableCell>
              <TableCell>{t('forms.fields_count')}</TableCell>
              <TableCell>{t('forms.note')}</TableCell>
              <TableCell>{t('forms.created_at')}</TableCell>
              <TableCell>{t('forms.published_at')}</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {(data ?? []).map((v) => (
              <TableRow key={v.version} hover data-testid={`form-version-${v.version}`}>
                <TableCell>v{v.version}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    label={t(`forms.status.${v.status}`)}
                    color={
                      v.status === 'published' ? 'success' : v.status === 'draft' ? 'primary' : 'default'
                    }
                  />
                </TableCell>
                <TableCell>{v.definition.fields.length}</TableCell>
                {/* the note the server gives the first, built-in version */}
                <TableCell>{v.note === 'default form' ? t('forms.default_note') : v.note}</TableCell>
                <TableCell>{when(v.created_at)}</TableCell>
                <TableCell>{when(v.published_at)}</TableCell>
                <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
                  <Button size="small" onClick={() => navigate(`/forms/${v.version}`)}>
                    {t(v.status === 'draft' && canWrite ? 'forms.edit' : 'forms.view')}
                  </Button>
                  {canWrite && (
                    <Button size="small" onClick={() => void startFrom(v)}>
                      {t('forms.new_draft')}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
};
