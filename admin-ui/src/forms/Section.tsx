// A titled group of rows in the form builder, and its "+ add" button.
import { Button, Typography } from '@mui/material';
import type { ReactNode } from 'react';

export function Section(props: { title: string; children: ReactNode }) {
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <Typography variant="caption" color="text.secondary">
        {props.title}
      </Typography>
      {props.children}
    </div>
  );
}

export function AddButton(props: { label: string; onClick: () => void; disabled?: boolean }) {
  return (
    <div>
      <Button size="small" onClick={props.onClick} disabled={props.disabled}>
        + {props.label}
      </Button>
    </div>
  );
}
