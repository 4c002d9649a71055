import { writeReadmeDiagram } from './readme-diagram.js';

/** `npm run docs:machine`: regenerates the case-machine diagram in README.md from the machine. */
writeReadmeDiagram('README.md');
console.log('README.md: case machine diagram regenerated');
