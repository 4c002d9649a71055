import { csvField, UTF8_BOM } from '../platform/csv.js';
import { maskAddress, maskPhone } from './personal-data.js';

/** One exported audit event, as the export query returns it (timestamps and payload already text). */
export interface ExportRow {
  case_id: string;
  platform_case_id: string | null;
  order_id: string;
  case_type: string;
  seq: number;
  type: string;
  actor_kind: string;
  actor_id: string;
  from_state: string | null;
  to_state: string;
  at: string;
  payload: string;
  prev_hash: string;
  hash: string;
  buyer_id: string | null;
  buyer_phone: string | null;
  buyer_address: string | null;
}

export const EXPORT_COLUMNS = [
  'caseId',
  'platformCaseId',
  'orderId',
  'caseType',
  'seq',
  'type',
  'actorKind',
  'actorId',
  'fromState',
  'toState',
  'at',
  'payload',
  'prevHash',
  'hash',
  'buyerId',
  'buyerPhone',
  'buyerAddress',
] as const;

export type ExportFormat = 'csv' | 'ndjson';

const json = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));

/**
 * Formats rows as CSV (RFC 4180, CRLF) or NDJSON lines; masking is applied here, once per row. Columns
 * the service writes itself (ids, enums, timestamps, hashes) go out as they are; every column that can
 * hold text from outside goes through csvField, which also neutralises formulas. The payload is JSON,
 * so its cell starts with `{` and user text inside it never starts a cell.
 */
export function formatExportRows(rows: ExportRow[], format: ExportFormat, includePersonalData: boolean): string {
  let out = '';
  for (const row of rows) {
    const phone = includePersonalData ? row.buyer_phone : maskPhone(row.buyer_phone);
    const address = includePersonalData ? row.buyer_address : maskAddress(row.buyer_address);
    if (format === 'csv') {
      out +=
        `${row.case_id},${csvField(row.platform_case_id)},${csvField(row.order_id)},${row.case_type},${row.seq},${row.type},` +
        `${row.actor_kind},${csvField(row.actor_id)},${csvField(row.from_state)},${row.to_state},${row.at},${csvField(row.payload)},` +
        `${row.prev_hash},${row.hash},${csvField(row.buyer_id)},${csvField(phone)},${csvField(address)}\r\n`;
    } else {
      out +=
        `{"caseId":"${row.case_id}","platformCaseId":${json(row.platform_case_id)},"orderId":${json(row.order_id)},` +
        `"caseType":"${row.case_type}","seq":${row.seq},"type":${json(row.type)},"actorKind":${json(row.actor_kind)},` +
        `"actorId":${json(row.actor_id)},"fromState":${json(row.from_state)},"toState":${json(row.to_state)},"at":"${row.at}",` +
        `"payload":${row.payload},"prevHash":"${row.prev_hash}","hash":"${row.hash}","buyerId":${json(row.buyer_id)},` +
        `"buyerPhone":${json(phone)},"buyerAddress":${json(address)}}\n`;
    }
  }
  return out;
}

/** What an export starts with: the CSV header line (after a UTF-8 BOM when asked for), nothing for NDJSON. */
export function exportHeader(format: ExportFormat, bom = false): string {
  return format === 'csv' ? `${bom ? UTF8_BOM : ''}${EXPORT_COLUMNS.join(',')}\r\n` : '';
}
