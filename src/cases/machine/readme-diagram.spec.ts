import { readFileSync } from 'node:fs';
import { diagramBlock, readmeDiagram } from './readme-diagram.js';

describe('README case-machine diagram', () => {
  it('should be the diagram generated from the machine (run `npm run docs:machine` after changing it)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readmeDiagram(readme)).toBe(diagramBlock());
  });
});
