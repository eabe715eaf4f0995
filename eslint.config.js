// Lint for the whole project. Workflow code runs in Temporal's deterministic sandbox: the rules
// at the end keep Node built-ins, I/O libraries, activity implementations and wall-clock or
// random sources out of `workflows/` (and out of the model and the pure scheduler code they import).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'fs/promises', 'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process',
  'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];
const sandboxRestrictedImports = {
  paths: [
    ...nodeBuiltins.flatMap((name) => [
      { name, message: 'Workflow code runs in the Temporal sandbox: no Node built-ins.' },
      { name: `node:${name}`, message: 'Workflow code runs in the Temporal sandbox: no Node built-ins.' },
    ]),
    { name: 'pg', message: 'Database access belongs in activities.' },
    { name: 'dockerode', message: 'Container access belongs in activities.' },
    { name: '@temporalio/client', message: 'Use @temporalio/workflow APIs inside workflows.' },
    { name: '@temporalio/activity', message: 'Activity APIs are not available inside workflows.' },
  ],
  patterns: [
    { group: ['**/activities/**', '!**/activities/types*'], allowTypeImports: true,
      message: 'Import activities as types only and call them through proxyActivities.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.zoe-data/**', '.cache/**', 'dist/**', 'test/histories/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', 'cli/bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['workflows/**/*.ts', 'scheduler/**/*.ts', 'model/**/*.ts'],
    ignores: ['scheduler/simulate/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', sandboxRestrictedImports],
      '@typescript-eslint/no-restricted-imports': 'off',
      'no-restricted-globals': ['error',
        { name: 'process', message: 'Workflow code must not read the process environment.' },
        { name: 'setInterval', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'require', message: 'ESM only.' },
      ],
    },
  },
  {
    // The scheduler's decision function is shared with the offline simulator: time and
    // randomness come in as data so the same inputs always give the same decisions.
    files: ['scheduler/**/*.ts'],
    ignores: ['scheduler/simulate/**'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Pass time in as data, or use workflow time via the SDK.' },
        { object: 'Math', property: 'random', message: 'Pass a seed in as data: decisions must be deterministic.' },
      ],
    },
  },
);
