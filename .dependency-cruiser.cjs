// dependency-cruiser: the layering of src/. Each folder under src/ has a rank and imports only from lower ranks:
//
//   0 platform                    config, database, health, auth plumbing, clock, problems, openapi, idempotency, logging, helpers
//   1 shops                       the domain kernel, in rank order
//   2 agents, reasons, orders
//   3 cases                       the case engine
//   4 timers, webhooks, metrics,  features that plug into the engine (not into each other, except audit -> evidence and
//     queue, evidence, replies,   stream -> changes)
//     audit, changes, stream
//   5 flows                       flows that span features (the case and order API)
//   6 console, demo               the console's bootstrap (it reads the routes' access rules) and the demo seeding CLI
//     src/*.ts                    the application root (main.ts, app.module.ts, app.factory.ts): may import anything
//
// Type-only imports count (tsPreCompilationDeps): a type is still a design edge. Specs follow their folder's rules.
// `npm run deps` checks the rules; `npm run deps:graph` prints the folder-level graph.

/** The layer map: a folder of src/ that is missing here fails `unranked-src-folder`. */
const PLATFORM = ['platform'];
const SHOPS = ['shops'];
const KERNEL_RANK_2 = ['agents', 'reasons', 'orders'];
const CASES = ['cases'];
const FEATURES = ['timers', 'webhooks', 'metrics', 'queue', 'evidence', 'replies', 'audit', 'changes', 'stream'];
const FLOWS = ['flows'];
const APPS = ['console', 'demo'];
const KNOWN = [...PLATFORM, ...SHOPS, ...KERNEL_RANK_2, ...CASES, ...FEATURES, ...FLOWS, ...APPS];

/** Modules in these src/ folders. `$1` in a `to` pattern is the importing module's own folder. */
const inFolders = (folders) => `^src/(${folders.join('|')})/`;

/** A layer rule: modules in `folders` may import from src/ only their own folder and `allowed` (root files included: they are not allowed). */
const layer = (name, folders, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: inFolders(folders) },
  to: { path: '^src/', pathNot: `^src/(${[...allowed, '$1'].join('|')})/` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'platform-stands-alone',
      comment: 'src/platform is the bottom layer: it imports only src/platform, packages, Node built-ins and the migrations, never a domain folder.',
      severity: 'error',
      from: { path: inFolders(PLATFORM) },
      // Any file of the project (a path with a folder that is not node_modules; Node built-ins such as fs/promises aside)
      // other than the platform and the migrations.
      to: { path: '^(?!node_modules/)[^/]+/', pathNot: '^(src/platform|migrations)/', couldNotResolve: false, dependencyTypesNot: ['core'] },
    },
    {
      name: 'migrations-import-only-packages',
      comment: 'The migrations (loaded by src/platform/database) are plain schema changes: they import no project code outside migrations/.',
      severity: 'error',
      from: { path: '^migrations/' },
      to: { path: '^(?!node_modules/)[^/]+/', pathNot: '^migrations/', couldNotResolve: false, dependencyTypesNot: ['core'] },
    },
    layer('shops-imports-only-platform', SHOPS, PLATFORM, 'src/shops is rank 1 of the domain kernel: it imports only src/platform.'),
    layer(
      'kernel-imports-only-platform-and-shops',
      KERNEL_RANK_2,
      [...PLATFORM, ...SHOPS],
      'src/agents, src/reasons and src/orders are rank 2 of the domain kernel: they import only src/platform and src/shops, never each other.',
    ),
    layer(
      'cases-imports-only-platform-shops-reasons-orders',
      CASES,
      [...PLATFORM, ...SHOPS, 'reasons', 'orders'],
      'src/cases (the case engine, rank 3) imports only src/platform, src/shops, src/reasons and src/orders: not agents, features or composition.',
    ),
    layer(
      'feature-imports-only-platform-and-kernel',
      FEATURES.filter((folder) => folder !== 'audit' && folder !== 'stream'),
      [...PLATFORM, ...SHOPS, ...KERNEL_RANK_2, ...CASES],
      'A feature (rank 4) imports only src/platform and the kernel (shops, agents, reasons, orders, cases): never another feature, composition or the root.',
    ),
    layer(
      'audit-imports-only-kernel-and-evidence',
      ['audit'],
      [...PLATFORM, ...SHOPS, ...KERNEL_RANK_2, ...CASES, 'evidence'],
      'src/audit is a feature (rank 4): it imports src/platform, the kernel and, for the dispute dossier, src/evidence; no other feature.',
    ),
    layer(
      'stream-imports-only-kernel-and-changes',
      ['stream'],
      [...PLATFORM, ...SHOPS, ...KERNEL_RANK_2, ...CASES, 'changes'],
      'src/stream is a feature (rank 4): it imports src/platform, the kernel and, to tail the change feed, src/changes; no other feature.',
    ),
    layer(
      'flows-import-only-lower-ranks',
      FLOWS,
      [...PLATFORM, ...SHOPS, ...KERNEL_RANK_2, ...CASES, ...FEATURES],
      'src/flows composes the features (rank 5): it imports the platform, the kernel and the features, not src/console, src/demo or the application root.',
    ),
    layer(
      'apps-import-only-lower-ranks',
      APPS,
      [...PLATFORM, ...SHOPS, ...KERNEL_RANK_2, ...CASES, ...FEATURES, ...FLOWS],
      'src/console and src/demo sit on top (rank 6): they import anything below them, not each other or the application root.',
    ),
    {
      name: 'unranked-src-folder',
      comment: 'Every folder of src/ has a rank: add a new folder to the layer map at the top of .dependency-cruiser.cjs, or move its files.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/[^/]+/', pathNot: inFolders(KNOWN) },
    },
    {
      name: 'no-circular',
      comment: 'Modules of src/ import each other in one direction only: this import closes a cycle (type-only imports included).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a `./x.js` specifier to `./x.ts`): an unresolved import would hide its edge from the layer rules.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Resolve like tsc does (nodenext: `./x.js` is `./x.ts`).
    tsConfig: { fileName: 'tsconfig.json' },
    // Keep imports that only bring types: the compiler erases them, the design does not.
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
