import { readFileSync } from 'node:fs';
import { DIAGRAM_DOCUMENT, diagramBlock, documentDiagram } from './machine-diagram.js';

describe('the case-machine diagram in the docs', () => {
  it('should be the diagram generated from the machine (run `npm run docs:machine` after changing it)', () => {
    const document = readFileSync(new URL(`../../../${DIAGRAM_DOCUMENT}`, import.meta.url), 'utf8');
    expect(documentDiagram(document)).toBe(diagramBlock());
  });
});
