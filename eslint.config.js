// Lint: type-aware typescript-eslint, plus the folder boundaries ARCHITECTURE.md promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noIo = {
  patterns: [
    { group: ['node:*', '!node:crypto'], message: 'This folder is pure: no I/O modules (see ARCHITECTURE.md invariants).' },
    { group: ['@oclif/*', '@aws-sdk/*', 'execa', 'simple-git'], message: 'This folder never sees the CLI, AWS or processes.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'oclif.manifest.json', 'test/fixtures/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.js', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['src/detect/**', 'src/findings/**', 'src/report/**', 'src/model/**'], rules: { 'no-restricted-imports': ['error', noIo] } },
  {
    files: ['src/**'],
    ignores: ['src/aws/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@aws-sdk/*'], message: 'Only src/aws/ imports the AWS SDK.' }] }] },
  },
  {
    files: ['src/commands/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:child_process', 'execa', 'simple-git', '@aws-sdk/*'], message: 'Commands stay thin: call a service.' }] },
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['test/**', 'scripts/**'], rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-non-null-assertion': 'off' } },
);
