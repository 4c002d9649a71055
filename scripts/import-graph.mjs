#!/usr/bin/env node
// The folder-level import graph of src/, from dependency-cruiser with the project's .dependency-cruiser.cjs (so type-only
// imports count and `./x.js` resolves to `./x.ts`). One line per folder, lowest layer first:
//
//   src/cases -> src/orders, src/platform, src/reasons (types only), src/shops
//
// then the folder cycles (`cycles: none`, else one cycle per strongly connected group of folders) and the module cycles
// (`module cycles: none`). A report: `npm run deps` is the check that fails.
// Usage: node scripts/import-graph.mjs [folder ...]   (default: src)
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src'];
const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
const { output } = await cruise(roots, options, {}, { tsConfig: extractTSConfig('tsconfig.json') });
const result = typeof output === 'string' ? JSON.parse(output) : output;

/** src/cases/machine/x.ts -> src/cases; src/main.ts -> src/*.ts; migrations/1-x.ts -> migrations; packages and Node built-ins: none. */
function folderOf(path) {
  if (path.startsWith('node_modules/') || !path.includes('/')) return undefined;
  const parts = path.split('/');
  if (parts[0] !== 'src') return parts[0];
  return parts.length === 2 ? 'src/*.ts' : `src/${parts[1]}`;
}

/** folder -> target folder -> true when every import behind the edge is type-only. */
const edges = new Map();
const moduleCycles = new Map();
for (const module of result.modules) {
  const from = folderOf(module.source);
  if (from === undefined) continue;
  if (!edges.has(from)) edges.set(from, new Map());
  for (const dependency of module.dependencies) {
    const to = folderOf(dependency.resolved);
    if (dependency.circular && Array.isArray(dependency.cycle)) {
      const cycle = [module.source, ...dependency.cycle.map((step) => (typeof step === 'string' ? step : step.name))];
      const key = [...cycle.slice(0, -1)].sort().join('|');
      if (!moduleCycles.has(key)) moduleCycles.set(key, cycle);
    }
    if (to === undefined || to === from || dependency.coreModule || dependency.couldNotResolve) continue;
    if (!edges.has(to)) edges.set(to, new Map());
    const typeOnly = (dependency.dependencyTypes ?? []).includes('type-only');
    const targets = edges.get(from);
    targets.set(to, (targets.get(to) ?? true) && typeOnly);
  }
}

// Strongly connected components (Tarjan): a component of more than one folder is a folder cycle.
const folders = [...edges.keys()].sort();
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
let counter = 0;
function connect(folder) {
  index.set(folder, counter);
  low.set(folder, counter);
  counter += 1;
  stack.push(folder);
  onStack.add(folder);
  for (const target of [...edges.get(folder).keys()].sort()) {
    if (!index.has(target)) {
      connect(target);
      low.set(folder, Math.min(low.get(folder), low.get(target)));
    } else if (onStack.has(target)) {
      low.set(folder, Math.min(low.get(folder), index.get(target)));
    }
  }
  if (low.get(folder) === index.get(folder)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== folder);
    components.push(component);
  }
}
for (const folder of folders) if (!index.has(folder)) connect(folder);

// Tarjan emits components dependencies first: that order lists the lowest layer first.
const lines = [];
for (const component of components) {
  for (const folder of component.sort()) {
    const targets = [...edges.get(folder).entries()].sort(([a], [b]) => a.localeCompare(b));
    if (targets.length === 0 && folder.startsWith('src/') === false) continue;
    lines.push(`${folder} -> ${targets.length === 0 ? '(nothing)' : targets.map(([to, typeOnly]) => (typeOnly ? `${to} (types only)` : to)).join(', ')}`);
  }
}

/** One cycle through the folders of a component, for the message. */
function cycleThrough(component) {
  const members = new Set(component);
  const start = component[0];
  const path = [start];
  const seen = new Set([start]);
  const walk = (folder) => {
    for (const target of edges.get(folder).keys()) {
      if (target === start) return true;
      if (!members.has(target) || seen.has(target)) continue;
      seen.add(target);
      path.push(target);
      if (walk(target)) return true;
      path.pop();
    }
    return false;
  };
  walk(start);
  return [...path, start].join(' -> ');
}

const folderCycles = components.filter((component) => component.length > 1).map((component) => cycleThrough(component.sort()));
console.log(lines.join('\n'));
console.log(folderCycles.length === 0 ? 'cycles: none' : `cycles:\n${folderCycles.map((cycle) => `  ${cycle}`).join('\n')}`);
console.log(
  moduleCycles.size === 0 ? 'module cycles: none' : `module cycles:\n${[...moduleCycles.values()].map((cycle) => `  ${cycle.join(' -> ')}`).join('\n')}`,
);
