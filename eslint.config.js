// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';

/**
 * Layers of DESIGN.md §3, lowest first. A layer may import only the layers before it;
 * `raft` is a library and may import nothing of shoal but `base`.
 */
const layers = [
  'base',
  'api',
  'raft',
  'store',
  'manager',
  'agent',
  'network',
  'stack',
  'server',
  'cli',
  'daemon',
];
const forbiddenFor = (layer) => {
  if (layer === 'raft') return layers.filter((l) => l !== 'base' && l !== 'raft');
  return layers.slice(layers.indexOf(layer) + 1);
};
const layeringZones = layers.flatMap((layer) =>
  forbiddenFor(layer).map((above) => ({
    target: `./src/${layer}`,
    from: `./src/${above}`,
    message: `src/${layer} may not import src/${above}: dependencies point down DESIGN.md §3.`,
  })),
);

/** Time and randomness are injected in pure cores (CONVENTIONS.md item 4). */
const pureCoreGlobals = ['setTimeout', 'setInterval', 'setImmediate', 'performance'].map(
  (name) => ({
    name,
    message: 'Pure cores take time through an injected Clock or tick(); see src/base/clock.ts.',
  }),
);
const pureCoreProperties = [
  { object: 'Date', property: 'now', message: 'Use the injected Clock.' },
  { object: 'Math', property: 'random', message: 'Use the injected Rng (src/base/rng.ts).' },
  { object: 'performance', property: 'now', message: 'Use the injected Clock.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.tmp/', 'web/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test()/describe() return promises the runner itself tracks.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: [
                'test',
                'describe',
                'it',
                'suite',
                'before',
                'after',
                'beforeEach',
                'afterEach',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: layeringZones }],
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: [
      'src/raft/core/**/*.ts',
      'src/**/reconcile.ts',
      'src/manager/scheduler/**/*.ts',
      'src/manager/allocator/**/*.ts',
    ],
    rules: {
      'no-restricted-globals': ['error', ...pureCoreGlobals],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'Use the injected Clock.' },
      ],
      'no-restricted-properties': ['error', ...pureCoreProperties],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 800, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
