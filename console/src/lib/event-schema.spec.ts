import { eventFormsFrom, setPath, type OpenApiDocument } from './event-schema';

const doc: OpenApiDocument = {
  paths: {
    '/v1/cases/{caseId}/events': {
      post: {
        requestBody: {
          content: {
            'application/json': {
              schema: {
                oneOf: [{ $ref: '#/components/schemas/ProposeEvent' }, { $ref: '#/components/schemas/ShipEvent' }, { $ref: '#/components/schemas/NewEvent' }],
                discriminator: {
                  propertyName: 'type',
                  mapping: { PROPOSE: '#/components/schemas/ProposeEvent', EXCHANGE_SHIPPED: '#/components/schemas/ShipEvent' },
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      GuardOverride: { type: 'object', properties: { reason: { type: 'string' } } },
      ProposeEvent: {
        type: 'object',
        required: ['type', 'resolution', 'note'],
        properties: {
          type: { type: 'string', enum: ['PROPOSE'] },
          resolution: { type: 'string', enum: ['full_refund', 'reject'] },
          amount: { type: 'integer', minimum: 0, maximum: 100, description: 'Minor units' },
          note: { type: 'string', minLength: 1, maxLength: 4000 },
          guardOverride: { $ref: '#/components/schemas/GuardOverride' },
        },
      },
      ShipEvent: {
        allOf: [{ type: 'object', required: ['carrier'], properties: { carrier: { type: 'string', maxLength: 100 } } }],
        properties: { trackingNo: { type: 'string', maxLength: 100 } },
      },
      NewEvent: { type: 'object', properties: { type: { type: 'string', const: 'NEW_EVENT' }, count: { type: 'integer' }, urgent: { type: 'boolean' } } },
    },
  },
};

describe('eventFormsFrom', () => {
  const forms = eventFormsFrom(doc);
  it('should build one form per event, by discriminator or by the type property', () => {
    expect(Object.keys(forms).sort()).toEqual(['EXCHANGE_SHIPPED', 'NEW_EVENT', 'PROPOSE']);
  });
  it('should turn enums into selects, minor-unit integers into money and long strings into text areas', () => {
    expect(forms.PROPOSE).toEqual([
      expect.objectContaining({ name: 'resolution', kind: 'enum', options: ['full_refund', 'reject'], required: true }),
      expect.objectContaining({ name: 'amount', kind: 'money', min: 0, max: 100, required: false }),
      expect.objectContaining({ name: 'note', kind: 'textarea', required: true, minLength: 1 }),
    ]);
  });
  it('should merge allOf parts and keep short strings as inputs', () => {
    expect(forms.EXCHANGE_SHIPPED.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['carrier', 'text', true],
      ['trackingNo', 'text', false],
    ]);
  });
  it('should keep plain integers and booleans', () => {
    expect(forms.NEW_EVENT.map((f) => f.kind)).toEqual(['integer', 'boolean']);
  });
  it('should give nothing for a body without oneOf', () => {
    expect(eventFormsFrom({ paths: {} })).toEqual({});
  });
});

describe('setPath', () => {
  it('should set nested values', () => {
    const payload: Record<string, unknown> = {};
    setPath(payload, 'guardOverride.reason', 'ok');
    setPath(payload, 'note', 'n');
    expect(payload).toEqual({ guardOverride: { reason: 'ok' }, note: 'n' });
  });
});
