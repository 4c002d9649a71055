import { extname } from 'node:path';

/** The types of evidence we keep, detected from the bytes, with the file name extensions each may carry. */
export const ALLOWED_EVIDENCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'image/webp': ['.webp'],
  'image/gif': ['.gif'],
  'image/heic': ['.heic'],
  'image/heif': ['.heif'],
  'video/mp4': ['.mp4', '.m4v'],
  'video/quicktime': ['.mov'],
  'application/pdf': ['.pdf'],
  'text/plain': ['.txt'],
};

export type TypeVerdict =
  | { ok: true; contentType: string; filename: string }
  | { ok: false; code: 'EVIDENCE_TYPE_NOT_ALLOWED'; detectedType: string | null }
  | { ok: false; code: 'EVIDENCE_TYPE_MISMATCH'; detectedType: string; extension: string };

/**
 * Decides on a file from its detected type (`null`: no binary signature, `text` when the bytes were
 * clean UTF-8) and its sanitised name. The name must agree with the bytes: a PNG named `.exe` is as
 * suspicious as an executable named `.jpg`. A name without an extension gets the detected type's.
 */
export function judgeEvidenceType(detected: string | null, isText: boolean, filename: string): TypeVerdict {
  const contentType = detected ?? (isText ? 'text/plain' : null);
  const extensions = contentType ? ALLOWED_EVIDENCE_TYPES[contentType] : undefined;
  if (!contentType || !extensions) return { ok: false, code: 'EVIDENCE_TYPE_NOT_ALLOWED', detectedType: contentType };
  const extension = extname(filename).toLowerCase();
  if (extension === '') return { ok: true, contentType, filename: `${filename}${extensions[0]}` };
  if (!extensions.includes(extension)) return { ok: false, code: 'EVIDENCE_TYPE_MISMATCH', detectedType: contentType, extension };
  return { ok: true, contentType, filename };
}

const MAX_FILENAME_BYTES = 180;

/**
 * A name safe to store, show and put in a ZIP: the last path component only (either separator), no
 * control or reserved characters, no leading dots, no `..`, NFC, at most 180 UTF-8 bytes (the extension
 * kept). Chinese and other scripts stay as they are. Empty → `evidence`.
 */
export function sanitizeFilename(raw: string | undefined): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this strips
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[<>:"|?*]/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (name === '') return 'evidence';
  if (Buffer.byteLength(name) <= MAX_FILENAME_BYTES) return name;
  const extension = extname(name).slice(0, 16);
  let stem = name.slice(0, name.length - extension.length);
  while (Buffer.byteLength(stem + extension) > MAX_FILENAME_BYTES) stem = [...stem].slice(0, -1).join('');
  return stem + extension;
}
