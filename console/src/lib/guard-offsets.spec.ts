import { blocks, remapFindings, segmentsOf, type Finding } from './guard-offsets';

const finding = (start: number, end: number, severity: 'block' | 'warn' = 'block', match = ''): Finding => ({
  rule: severity === 'block' ? 'off-platform-contact' : 'tone',
  category: 'x',
  severity,
  message: 'm',
  match,
  start,
  end,
});

describe('segmentsOf', () => {
  it('should cut the text at UTF-16 offsets, astral characters included', () => {
    const text = '亲😀加微信wx123';
    // 😀 is two UTF-16 units: 微信 starts at 4.
    expect(text.slice(4, 6)).toBe('微信');
    const segments = segmentsOf(text, [finding(4, 6)]);
    expect(segments.map((s) => [s.text, s.finding?.start ?? null])).toEqual([
      ['亲😀加', null],
      ['微信', 4],
      ['wx123', null],
    ]);
  });
  it('should let a block win over an overlapping warning and clip out-of-range findings', () => {
    const segments = segmentsOf('abcdef', [finding(1, 4, 'warn'), finding(3, 99, 'block')]);
    expect(segments.map((s) => [s.text, s.finding?.severity ?? null])).toEqual([
      ['a', null],
      ['bc', 'warn'],
      ['def', 'block'],
    ]);
  });
  it('should handle empty text', () => {
    expect(segmentsOf('', [finding(0, 2)])).toEqual([]);
  });
});

describe('remapFindings', () => {
  it('should shift findings after an insertion and keep those before it', () => {
    const before = '你好 微信 再见 QQ';
    const after = '你好呀 微信 再见 QQ';
    const remapped = remapFindings([finding(3, 5), finding(9, 11)], before, after);
    expect(remapped.map((f) => after.slice(f.start, f.end))).toEqual(['微信', 'QQ']);
  });
  it('should drop a finding the edit touches', () => {
    const remapped = remapFindings([finding(3, 5), finding(9, 11)], '你好 微信 再见 QQ', '你好 微 再见 QQ');
    expect(remapped).toHaveLength(1);
    expect(remapped[0].start).toBe(8);
  });
  it('should keep findings when nothing changed', () => {
    expect(remapFindings([finding(0, 1)], 'a', 'a')).toHaveLength(1);
  });
});

describe('blocks', () => {
  it('should block only on blocking findings', () => {
    expect(blocks([finding(0, 1, 'warn')])).toBe(false);
    expect(blocks([finding(0, 1, 'warn'), finding(1, 2)])).toBe(true);
  });
});
