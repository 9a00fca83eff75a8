// The company's privacy settings: how long each data class is kept (records, photos, locations,
// audit), the precision locations are stored at, and the grace period before a departed
// employee's health data is deleted. Read by config readers, changed by admins; audited.
import { Router } from 'express';
import { z } from 'zod';
import type { DB } from '../../db/connect.ts';
import { getPrivacySettings, savePrivacySettings } from '../../db/repositories/privacy-settings.ts';
import type { AppConfig } from '../../config/config.ts';
import { retentionDays } from '../../domain/privacy/minimisation.ts';
import { noteAudit } from '../audit/audit-trail.ts';
import { principalOf } from '../auth/permissions.ts';
import { endpoint } from '../http/contract.ts';
import { privacySettingsViewSchema } from './privacy.schemas.ts';

const days = z.number().int().min(1).max(3650).nullable();
const settingsSchema = z
  .object({
    recordRetentionDays: days,
    photoRetentionDays: days,
    locationRetentionDays: days,
    auditRetentionDays: days,
    locationDecimals: z.number().int().min(0).max(6).nullable(),
    departedGraceDays: z.number().int().min(0).max(3650).nullable(),
  })
  .strict();

export function privacyRoutes(deps: { db: DB; config?: Pick<AppConfig, 'retention'> }): Router {
  const { db } = deps;
  const r = Router();
  const view = async () => {
    const { updatedAt, ...settings } = await getPrivacySettings(db);
    const defaults = deps.config?.retention;
    return {
      settings,
      updatedAt,
      // what is in force, each class with its fallback (the configured defaults)
      ...(defaults
        ? {
            effective: {
              ...retentionDays(settings, defaults),
              departedGraceDays: settings.departedGraceDays ?? defaults.departedGraceMs / 86_400_000,
            },
          }
        : {}),
    };
  };
  r.get(
    '/',
    endpoint(
      {
        summary: 'Privacy settings: retention per data class and what is in force',
        response: { description: 'The settings and the effective values', schema: privacySettingsViewSchema },
      },
      async (_req, res) => {
        res.json(await view());
      },
    ),
  );
  r.put(
    '/',
    endpoint(
      {
        summary: 'Change the privacy settings (retention)',
        body: settingsSchema,
        response: { description: 'The settings and the effective values', schema: privacySettingsViewSchema },
      },
      async (req, res, { body: s }) => {
        noteAudit(req, { action: 'privacy.settings', targetType: 'privacy_settings', detail: s });
        await savePrivacySettings(db, s, principalOf(req).actor);
        res.json(await view());
      },
    ),
  );
  return r;
}
