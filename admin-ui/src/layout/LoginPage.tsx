// Sign-in: DingTalk scan-to-log-in for managers and HR, or the local administrator account.
import QrCodeIcon from '@mui/icons-material/QrCode2';
import { Alert, Button, Divider, Typography } from '@mui/material';
import { Login, LoginForm, useTranslate } from 'react-admin';
import { dingtalkSignInFailed } from '../dingtalk-signin.ts';

export const LoginPage = () => {
  const t = useTranslate();
  return (
    <Login>
      <div style={{ padding: '16px 16px 0' }}>
        {dingtalkSignInFailed() && (
          <Alert severity="warning" sx={{ mb: 2 }} data-testid="dingtalk-signin-failed">
            {t('dingtalk_signin.failed')}
          </Alert>
        )}
        <Button
          fullWidth
          variant="contained"
          startIcon={<QrCodeIcon />}
          href="/api/auth/dingtalk/qr"
          data-testid="dingtalk-login"
        >
          {t('auth.dingtalk')}
        </Button>
        <Divider style={{ margin: '16px 0 0' }}>
          <Typography variant="caption">{t('auth.or_local')}</Typography>
        </Divider>
      </div>
      <LoginForm />
    </Login>
  );
};
