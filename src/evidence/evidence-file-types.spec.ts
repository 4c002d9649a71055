import { judgeEvidenceType, sanitizeFilename } from './evidence-file-types.js';

describe('sanitizeFilename', () => {
  it.each([
    ['../../etc/passwd.png', 'passwd.png'],
    ['..\\..\\windows\\system32\\evil.jpg', 'evil.jpg'],
    ['photo..png', 'photo.png'],
    ['.hidden.png', 'hidden.png'],
    ['  开胶 照片 .jpg ', '开胶 照片 .jpg'],
    ['a<b>c:d"e|f?g*h.pdf', 'abcdefgh.pdf'],
    ['line\nbreak\u0000.txt', 'linebreak.txt'],
    ['evil\u202Egnp.exe', 'evilgnp.exe'],
    ['..', 'evidence'],
    ['', 'evidence'],
    [undefined, 'evidence'],
  ])('should turn %j into %j', (raw, expected) => {
    expect(sanitizeFilename(raw)).toBe(expected);
  });

  it('should cap long names at 180 bytes and keep the extension', () => {
    const name = sanitizeFilename(`${'鞋'.repeat(200)}.jpeg`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(180);
    expect(name.endsWith('.jpeg')).toBe(true);
    expect(name.startsWith('鞋鞋')).toBe(true);
  });
});

describe('judgeEvidenceType', () => {
  it('should accept a type on the list whose name agrees', () => {
    expect(judgeEvidenceType('image/png', false, 'a.PNG')).toEqual({ ok: true, contentType: 'image/png', filename: 'a.PNG' });
    expect(judgeEvidenceType('image/jpeg', false, 'a.jpeg')).toMatchObject({ ok: true });
  });

  it('should give a name without extension the detected one', () => {
    expect(judgeEvidenceType('application/pdf', false, 'invoice')).toEqual({ ok: true, contentType: 'application/pdf', filename: 'invoice.pdf' });
  });

  it('should refuse a known type under another extension', () => {
    expect(judgeEvidenceType('image/png', false, 'a.exe')).toEqual({ ok: false, code: 'EVIDENCE_TYPE_MISMATCH', detectedType: 'image/png', extension: '.exe' });
    expect(judgeEvidenceType(null, true, 'chat.html')).toMatchObject({ ok: false, code: 'EVIDENCE_TYPE_MISMATCH', detectedType: 'text/plain' });
  });

  it('should refuse types that are not on the list, whatever the name', () => {
    expect(judgeEvidenceType('application/x-elf', false, 'a.jpg')).toEqual({ ok: false, code: 'EVIDENCE_TYPE_NOT_ALLOWED', detectedType: 'application/x-elf' });
    expect(judgeEvidenceType(null, false, 'a.jpg')).toEqual({ ok: false, code: 'EVIDENCE_TYPE_NOT_ALLOWED', detectedType: null });
  });
});
