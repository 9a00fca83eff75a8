// An audit action in the UI's language: named actions ("records.list") from the packs' audit.actions,
// unnamed ones ("PUT /api/ra/employees/12") as the verb in words and the path as written.
type Translate = (key: string, options?: Record<string, unknown>) => string;

export function actionLabel(action: string, t: Translate): string {
  const request = /^([A-Z]+) (\S+)$/.exec(action);
  if (request) {
    const [, method = '', path = ''] = request;
    return `${t(`audit.methods.${method}`, { _: method })} ${path}`;
  }
  return t(`audit.actions.${action.replace(/\./g, '_')}`, { _: action });
}
