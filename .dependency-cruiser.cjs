// The layers of the design (README "Layout"), as rules: vocabulary -> drivers -> core -> CLI.
// `npm test` runs `npm run lint:deps`; a broken rule fails it with the rule's name and the import.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-import-loops',
      comment: 'An import loop makes start-up order and ownership unclear; cut it with an interface or an event.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'vocabulary-imports-nothing-of-ours',
      comment: 'vocabulary/ is the bottom layer: shared words only, importing nothing else of the project.',
      severity: 'error',
      from: { path: '^vocabulary/' },
      to: { path: '^(drivers|daemon|config|test|examples)/' },
    },
    {
      name: 'drivers-stay-below-the-core',
      comment: 'A driver imports vocabulary/ and its own folder only, never the core, config loading or the CLI.',
      severity: 'error',
      from: { path: '^drivers/' },
      to: { path: '^(daemon|config|test|examples)/' },
    },
    {
      name: 'drivers-do-not-know-each-other',
      comment: 'A driver never imports another driver: what two drivers share belongs in vocabulary/.',
      severity: 'error',
      from: { path: '^drivers/([^/]+)/' },
      to: { path: '^drivers/', pathNot: '^drivers/$1/' },
    },
    {
      name: 'core-does-not-import-the-cli',
      comment: 'The CLI is the top layer; the core and config never import it.',
      severity: 'error',
      from: { path: '^(daemon|config)/', pathNot: '^daemon/cli/' },
      to: { path: '^daemon/cli/' },
    },
    {
      name: 'production-does-not-import-tests',
      comment: 'Test helpers and fixtures stay in test/; production code must not need them.',
      severity: 'error',
      from: { path: '^(vocabulary|drivers|daemon|config)/' },
      to: { path: '^(test|examples)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
