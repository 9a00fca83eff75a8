// The employee's download of everything held about them, as JSON or as an Excel workbook (one sheet
// per kind of data, each cell a plain value or its JSON).
import ExcelJS from 'exceljs';

export type MyDataExport = Record<string, unknown> & {
  exportedAt: string;
  employee: Record<string, unknown>;
};

const cell = (v: unknown): string | number | boolean | Date | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
};

export async function myDataWorkbook(data: MyDataExport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'health-checkin';
  for (const [name, value] of Object.entries(data)) {
    const rows: Record<string, unknown>[] = Array.isArray(value)
      ? (value as Record<string, unknown>[])
      : value && typeof value === 'object'
        ? [value as Record<string, unknown>]
        : [{ value }];
    const ws = wb.addWorksheet(name.slice(0, 31));
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    ws.addRow(columns);
    ws.getRow(1).font = { bold: true };
    for (const r of rows) ws.addRow(columns.map((c) => cell(r[c])));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
