import { fenToYuanText, formatMoney, yuanToFen } from './money';

describe('formatMoney', () => {
  it('should format fen as yuan in Chinese', () => {
    expect(formatMoney(29900)).toBe('¥299.00');
    expect(formatMoney(1)).toBe('¥0.01');
    expect(formatMoney(123456789)).toBe('¥1,234,567.89');
  });
  it('should format in English and other currencies', () => {
    expect(formatMoney(29900, 'CNY', 'en-US')).toBe('CN¥299.00');
    expect(formatMoney(500, 'USD', 'en-US')).toBe('$5.00');
  });
  it('should show a dash for a missing amount', () => {
    expect(formatMoney(null)).toBe('—');
  });
});

describe('yuanToFen', () => {
  it('should convert typed yuan without float errors', () => {
    expect(yuanToFen('299')).toBe(29900);
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen('1,299.5')).toBe(129950);
    expect(yuanToFen('￥ 12.')).toBe(1200);
    expect(yuanToFen('19.99')).toBe(1999);
  });
  it('should refuse what is not an amount', () => {
    expect(yuanToFen('')).toBeNull();
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('-5')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
  });
});

describe('fenToYuanText', () => {
  it('should show two decimals', () => {
    expect(fenToYuanText(29900)).toBe('299.00');
    expect(fenToYuanText(5)).toBe('0.05');
  });
});
