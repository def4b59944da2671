// Lint: type-aware typescript-eslint, plus the folder boundaries ARCHITECTURE.md promises.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// One pattern list per folder (a later no-restricted-imports block replaces an earlier one, so each folder gets all of its own).
const awsOnlyInAws = { group: ['@aws-sdk/*'], message: 'Only src/aws/ imports the AWS SDK.' };
const pure = [
  {
    group: ['node:*', '!node:crypto'],
    message: 'This folder is pure: no I/O modules (see ARCHITECTURE.md invariants).',
  },
  { group: ['@oclif/*', 'execa', 'simple-git'], message: 'This folder never sees the CLI or processes.' },
  awsOnlyInAws,
];
const thin = [
  { group: ['node:child_process', 'execa', 'simple-git'], message: 'Commands stay thin: call a service.' },
  awsOnlyInAws,
];
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'oclif.manifest.json', 'test/fixtures/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['src/**'], ignores: ['src/aws/**'], rules: restrict([awsOnlyInAws]) },
  { files: ['src/detect/**', 'src/findings/**', 'src/report/**', 'src/model/**'], rules: restrict(pure) },
  { files: ['src/commands/**'], rules: restrict(thin) },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['test/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
