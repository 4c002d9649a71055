import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import { OptionalField } from './optional-field.js';

/** A value one CSV cell can hold; null and undefined are an empty cell. */
export type CsvValue = string | number | bigint | boolean | null | undefined;

/** What `bom=true` puts before the first byte of a CSV: Excel and WPS then read the file as UTF-8, not GBK. */
export const UTF8_BOM = '\uFEFF';

// First characters that make Excel, LibreOffice and WPS read a cell as a formula (OWASP "CSV Injection").
const FORMULA_START = /^[=+\-@\t\r]/;
// A negative amount or count is a number to a spreadsheet, not a formula: it keeps its sign and its sum.
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * The one CSV field encoding of the service (RFC 4180), used by every CSV it writes: the audit export,
 * the dossier's timeline.csv and the metrics CSVs.
 *
 * Exports are opened in spreadsheets, and text that came from people (order and platform ids, buyer
 * data, display names) could start like a formula: `=HYPERLINK(…)` leaks data when clicked, `-cmd|…`
 * ran commands through DDE. So a text cell that starts with `=`, `+`, `-`, `@`, tab or CR is prefixed
 * with a single quote — the spreadsheet then shows it as text — and is always quoted, as OWASP advises.
 * A text cell that is a plain decimal number (`-100`, `-0.5`) is left as it is: a spreadsheet reads it
 * as that number, never as a formula, and negative amounts must stay summable. Numbers, bigints and
 * booleans are written as they are (our own figures, never formulas). Otherwise a field is quoted when
 * it holds a comma, a quote or a line break, with quotes doubled.
 *
 * A reader that wants the original text back drops the leading `'` of such a cell.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  if (FORMULA_START.test(value) && !PLAIN_NUMBER.test(value)) return `"'${value.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV record: the fields encoded by csvField, joined by commas, ended by CRLF. */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/**
 * The `bom` query parameter of CSV downloads. A query parameter rather than an `Accept` parameter, so
 * that a plain link in the console can ask for it. Off by default: programs that read the CSV do not
 * expect a BOM.
 */
export function CsvBomQuery(
  description = 'With `true`, the CSV starts with a UTF-8 byte order mark (EF BB BF), so that Excel and WPS open Chinese text correctly.',
) {
  return applyDecorators(
    ApiPropertyOptional({ type: Boolean, default: false, description }),
    OptionalField(),
    Transform(toBoolean),
    IsBoolean({ message: 'bom must be true or false' }),
  );
}
