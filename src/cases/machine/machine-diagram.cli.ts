import { DIAGRAM_DOCUMENT, writeDiagram } from './machine-diagram.js';

/** `npm run docs:machine`: regenerates the case-machine diagram in the docs from the machine. */
writeDiagram(DIAGRAM_DOCUMENT);
console.log(`${DIAGRAM_DOCUMENT}: case machine diagram regenerated`);
