import { eventFormsFrom, type FieldSpec, type OpenApiDocument } from '../../lib/event-schema';

/**
 * Used only until the served OpenAPI document describes the case-event body as a `oneOf` per event:
 * the same fields as the API's case-event DTOs. Once it does, the document wins and new events need no code here.
 */
const FALLBACK: Record<string, FieldSpec[]> = {
  CONTACT_BUYER: [{ name: 'note', kind: 'textarea', required: true, minLength: 1, maxLength: 4000 }],
  APOLOGISE: [{ name: 'note', kind: 'textarea', required: true, minLength: 1, maxLength: 4000 }],
  VERIFY: [
    { name: 'verifiedReasonCode', kind: 'enum', required: true, options: [] },
    { name: 'findings', kind: 'textarea', required: true, minLength: 1, maxLength: 4000 },
    { name: 'note', kind: 'textarea', required: false, maxLength: 4000 },
  ],
  PROPOSE: [
    { name: 'resolution', kind: 'enum', required: true, options: ['full_refund', 'partial_refund', 'return_and_refund', 'exchange', 'compensation', 'reject'] },
    { name: 'amount', kind: 'money', required: false, min: 0 },
    { name: 'note', kind: 'textarea', required: true, minLength: 1, maxLength: 4000 },
  ],
  GOODS_RECEIVED: [{ name: 'inspection', kind: 'textarea', required: true, minLength: 1, maxLength: 4000 }],
  EXCHANGE_SHIPPED: [
    { name: 'carrier', kind: 'text', required: true, minLength: 1, maxLength: 100 },
    { name: 'trackingNo', kind: 'text', required: true, minLength: 1, maxLength: 100 },
  ],
  REMEDY_DONE: [{ name: 'note', kind: 'textarea', required: true, minLength: 1, maxLength: 4000 }],
  SUBMIT_EVIDENCE: [],
};

/** Events whose `note` the buyer reads: their note is the composer, with canned replies and the live guard. */
export const BUYER_FACING = new Set(['CONTACT_BUYER', 'APOLOGISE', 'PROPOSE']);

export function eventForms(doc: OpenApiDocument | undefined): Record<string, FieldSpec[]> {
  const fromDoc = doc ? eventFormsFrom(doc) : {};
  return Object.keys(fromDoc).length > 0 ? { ...FALLBACK, ...fromDoc } : FALLBACK;
}
