/**
 * A strict RFC 4180 parser: CRLF (or LF) record separators, fields quoted with `"` when they hold
 * `,` `"` CR or LF, a doubled `""` inside quotes is one quote. Returns every record, the header included;
 * a final line break does not start an empty record. Throws on a stray quote, so badly quoted output fails.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let fieldStarted = false;
  const endField = () => {
    record.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && !fieldStarted && field === '') {
      // quoted field
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('parseCsv: unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      fieldStarted = true;
      if (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        throw new Error(`parseCsv: unexpected ${JSON.stringify(text[i])} after a quoted field at ${i}`);
      }
      continue;
    }
    if (c === ',') {
      endField();
      i++;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') {
      endRecord();
      i += 2;
      continue;
    }
    if (c === '\n') {
      endRecord();
      i++;
      continue;
    }
    if (c === '"') throw new Error(`parseCsv: stray quote inside an unquoted field at ${i}`);
    field += c;
    fieldStarted = true;
    i++;
  }
  if (field !== '' || fieldStarted || record.length > 0) endRecord();
  return records;
}

/** Header + rows → objects keyed by the header's column names. */
export function csvObjects(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header, ...records] = parseCsv(text);
  if (!header) return { header: [], rows: [] };
  const rows = records.map((values, index) => {
    if (values.length !== header.length) throw new Error(`parseCsv: row ${index + 1} has ${values.length} fields, header has ${header.length}`);
    return Object.fromEntries(header.map((name, column) => [name, values[column]]));
  });
  return { header, rows };
}

/**
 * Whether a spreadsheet would take the cell for a formula (OWASP "CSV Injection"): it starts with
 * `=`, `+`, `-`, `@`, tab or CR and is not a plain decimal number such as `-100`.
 */
export function looksLikeFormula(cell: string): boolean {
  return /^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell);
}
