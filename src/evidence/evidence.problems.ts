import { defineProblems } from '../platform/problem/problem.exception.js';

export const EvidenceException = defineProblems('EvidenceException', {
  EVIDENCE_NOT_FOUND: { status: 404, title: 'Evidence not found' },
  MULTIPART_REQUIRED: { status: 415, title: 'Upload evidence as multipart/form-data with one part named "file"' },
  EVIDENCE_FILE_MISSING: { status: 400, title: 'The upload has no file part named "file"' },
  EVIDENCE_FILE_EMPTY: { status: 400, title: 'The uploaded file is empty' },
  EVIDENCE_TOO_MANY_PARTS: { status: 400, title: 'Upload one file with its party, kind and note per request' },
  EVIDENCE_MALFORMED_UPLOAD: { status: 400, title: 'The multipart body could not be read' },
  EVIDENCE_TOO_LARGE: { status: 413, title: 'The file is larger than evidence may be' },
  EVIDENCE_TYPE_NOT_ALLOWED: { status: 415, title: 'This type of file is not accepted as evidence' },
  EVIDENCE_TYPE_MISMATCH: { status: 415, title: 'The file name’s extension does not match its content' },
  EVIDENCE_PACKAGE_EMPTY: { status: 422, title: 'Attach evidence before submitting the evidence package' },
  PERSONAL_DATA_AUDITORS_ONLY: { status: 403, title: 'Only auditors may export buyer personal data' },
  // The server's fault and not passing: a retry will not bring the bytes back (hence not 503).
  EVIDENCE_BLOB_MISSING: { status: 500, title: 'The evidence file is missing from the evidence store' },
});
