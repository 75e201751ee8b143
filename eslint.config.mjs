import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import boundaries from 'eslint-plugin-boundaries';

/**
 * Who may import whom, folder by folder under src/ (README "Architecture" draws this graph). An
 * import that is not listed fails `npm run lint`; a listed edge that would close a cycle fails
 * loading this file, so the graph stays one-way.
 */
export const MAY_IMPORT = {
  config: [],
  detection: [],
  common: [],
  crypto: ['common', 'config'],
  database: ['common', 'config'],
  'auth-context': ['common'],
  observability: ['auth-context', 'common', 'config'],
  audit: ['auth-context', 'common', 'crypto', 'observability'],
  policy: ['audit', 'auth-context', 'common', 'detection'],
  ratelimit: ['audit', 'auth-context', 'common', 'config', 'observability', 'policy'],
  access: ['audit', 'auth-context', 'common', 'config', 'observability', 'policy', 'ratelimit'],
  'detection-runtime': ['config', 'detection', 'observability'],
  'detection-http': ['auth-context', 'common', 'detection', 'detection-runtime', 'policy'],
  tokens: [
    'audit',
    'auth-context',
    'common',
    'config',
    'crypto',
    'detection',
    'detection-runtime',
    'observability',
    'policy',
    'ratelimit',
  ],
  discovery: ['audit', 'auth-context', 'common', 'config', 'crypto', 'detection'],
  gateway: [
    'audit',
    'auth-context',
    'common',
    'config',
    'crypto',
    'detection',
    'observability',
    'policy',
    'tokens',
  ],
  health: ['access', 'common'],
  cli: ['access', 'config', 'crypto', 'database', 'discovery'],
};

function assertAcyclic(graph) {
  const state = new Map();
  const visit = (node, path) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      throw new Error(`eslint.config.mjs: MAY_IMPORT has a cycle: ${[...path, node].join(' -> ')}`);
    }
    if (!(node in graph)) throw new Error(`eslint.config.mjs: MAY_IMPORT lacks folder ${node}`);
    state.set(node, 'open');
    for (const next of graph[node]) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of Object.keys(graph)) visit(node, []);
}
assertAcyclic(MAY_IMPORT);

const folders = Object.keys(MAY_IMPORT);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  { files: ['bench/**/*.ts', 'src/cli/**/*.ts', 'test/**/*.ts'], rules: { 'no-console': 'off' } },
  // A promise nobody awaits loses its errors and its ordering (a scan page once completed
  // before its detection had): type-aware checks on the service code.
  {
    files: ['src/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  // Dependencies point one way: see MAY_IMPORT above.
  {
    files: ['src/**/*.ts'],
    // The composition root (main.ts, server.ts, app.module.ts) may import any folder; no folder
    // may import it (an import of an unknown element is refused by `default: 'disallow'`).
    ignores: ['src/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
      'boundaries/elements': [
        ...folders.map((folder) => ({ type: folder, pattern: `src/${folder}` })),
      ],
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(main|server|app\\.module)$',
              message: 'The composition root imports the folders, never the other way round.',
            },
          ],
        },
      ],
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...folders.map((folder) => ({
              from: { element: { type: folder } },
              allow: { to: { element: { types: { anyOf: [folder, ...MAY_IMPORT[folder]] } } } },
            })),
          ],
        },
      ],
    },
  },
);
