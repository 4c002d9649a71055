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
    expect(parsed).toMatchObject({
      orderId: 'ORD,"1"',
      seq: 3,
      payload: { note: '已联系,"好"\n第二行' },
      buyerPhone: '138****8000',
      buyerAddress: '浙江省杭州市****',
    });
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

  it('should neutralise text from outside that starts like a formula, and only that', () => {
    const csv = formatExportRows(
      [{ ...row, platform_case_id: '=HYPERLINK("http://evil.example","x")', order_id: '-1+2', buyer_id: '@SUM(A1)', buyer_address: '=1+2 号楼 3 单元' }],
      'csv',
      false,
    );
    expect(csv.startsWith(`${row.case_id},"'=HYPERLINK(""http://evil.example"",""x"")","'-1+2",refund,3,`)).toBe(true);
    expect(csv.endsWith(`,"'@SUM(A1)",138****8000,"'=1+2 号****"\r\n`)).toBe(true);
  });

  it('should start the CSV with a UTF-8 BOM only when asked, and never NDJSON', () => {
    expect(exportHeader('csv', true)).toBe(`\uFEFF${EXPORT_COLUMNS.join(',')}\r\n`);
    expect(Buffer.from(exportHeader('csv', true), 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(exportHeader('csv').charCodeAt(0)).toBe('c'.charCodeAt(0));
    expect(exportHeader('ndjson', true)).toBe('');
  });
});
