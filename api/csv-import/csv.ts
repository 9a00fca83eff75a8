// A small RFC 4180 reader (shared by the CSV imports): quoted cells (with "" escapes and line breaks inside), CRLF or LF, an
// optional UTF-8 BOM, blank lines skipped. Each record keeps the line it starts on, for errors.

export interface CsvRecord {
  /** 1-based line of the file where the record starts */
  line: number;
  cells: string[];
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; reason: string };

export function parseCsv(text: string): CsvResult {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let quoteOpenedAt = 0;
  let touched = false; // the record has content (a blank line has none)
  const endCell = () => {
    cells.push(cell);
    cell = '';
  };
  const endRecord = () => {
    endCell();
    if (touched) records.push({ line: start, cells });
    cells = [];
    touched = false;
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      quoteOpenedAt = line;
      touched = true;
    } else if (ch === '"') {
      return { ok: false, line, reason: 'quote inside an unquoted cell' };
    } else if (ch === ',') {
      touched = true;
      endCell();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      if (ch.trim() !== '') touched = true;
      cell += ch;
    }
  }
  if (quoted) return { ok: false, line: quoteOpenedAt, reason: 'a quoted cell is never closed' };
  endRecord();
  return { ok: true, records };
}
