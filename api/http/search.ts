// A name search typed by a person: `%` and `_` are letters there, not LIKE wildcards.
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
