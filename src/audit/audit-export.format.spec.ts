import { EXPORT_COLUMNS, exportHeader, formatExportRows, type ExportRow } from './audit-export.format.js';

const row: ExportRow = {
  case_id: '0b7c9d4e-0000-4000-8000-000000000001',
  platform_case_id: 'TB-1',
  order_id: 'ORD,"1"',
  case_type: 'refund',
  seq: 3,
  type: 'CONTACT_BUYER',
  actor_kind: 'agent',
  actor_id: 'a1',
  from_state: 'open.contact',
  to_state: 'open.verify',
  at: '2026-11-02T09:00:00.000Z',
  payload: '{"note": "已联系,\\"好\\"\\n第二行"}',
  prev_hash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
  buyer_id: 'tb_1',
  buyer_phone: '13800138000',
  buyer_address: '浙江省杭州市余杭区文一西路 969 号',
};

describe('audit export format', () => {
  it('should write NDJSON lines that parse back to the row, masked by default', () => {
    const line = formatExportRows([row], 'ndjson', false);
    expect(line.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(line);
    expect(Object.keys(parsed)).toEqual([...EXPORT_COLUMNS]);
    expect(parsed).toMatchObject({ orderId: 'ORD,"1"', seq: 3, payload: { note: '已联系,"好"\n第二行' }, buyerPhone: '138****8000', buyerAddress: '浙江省杭州市****' });
    expect(JSON.parse(formatExportRows([row], 'ndjson', true))).toMatchObject({ buyerPhone: '13800138000', buyerAddress: row.buyer_address });
  });

  it('should quote CSV fields with commas, quotes and line breaks', () => {
    const csv = formatExportRows([{ ...row, from_state: null }], 'csv', false);
    expect(exportHeader('csv')).toBe(`${EXPORT_COLUMNS.join(',')}\r\n`);
    expect(csv).toContain(',"ORD,""1""",');
    expect(csv).toContain(',,open.verify,');
    expect(csv).toContain(`,"${row.payload.replace(/"/g, '""')}",`);
    expect(csv.endsWith(',138****8000,浙江省杭州市****\r\n')).toBe(true);
  });
});
