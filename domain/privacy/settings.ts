// The company's privacy settings as the API stores and the admin UI edits them.

/** What the company set; null: the configured default. */
export interface PrivacySettings {
  recordRetentionDays: number | null;
  photoRetentionDays: number | null;
  locationRetentionDays: number | null;
  auditRetentionDays: number | null;
  /** decimals of latitude/longitude stored; null: exact */
  locationDecimals: number | null;
  departedGraceDays: number | null;
}
