// A special day's name in the UI's language. The holiday package names days "Spring Festival,春节,4"
// (English, Chinese, length); a company day carries HR's note, or the server's default wording.
const COMPANY_DEFAULTS: Record<string, string> = {
  公司调班: 'calendar.workday',
  公司休息日: 'calendar.day_off',
};

export function dayName(name: string, locale: string, t: (key: string) => string): string {
  const [en, zh] = name.split(',');
  if (zh !== undefined && en !== undefined) return locale === 'en' ? en : zh;
  const key = COMPANY_DEFAULTS[name];
  return key ? t(key) : name;
}
