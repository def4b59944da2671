// Lint: type-aware typescript-eslint, plus the folder boundaries ARCHITECTURE.md promises.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Every Node built-in, bare (`fs`, `fs/promises`) and prefixed (`node:fs`).
const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `node:${m}`]);
const PROCESS_RUNNERS = ['node:child_process', 'child_process', 'execa'];

/** Folders of this project by role; imports are checked against these names, relative or not. */
const folderPattern = (names) => names.map((n) => `**/${n}/**`);
const IO_FOLDERS = [
  'sources',
  'git',
  'exec',
  'scan',
  'cli',
  'commands',
  'state',
  'aws',
  'hook',
  'respond',
  'notify',
];
const PURE_FOLDERS = ['src/detect', 'src/findings', 'src/report', 'src/model', 'src/provenance'];

const awsOnlyInAws = { group: ['@aws-sdk/*'], message: 'Only src/aws/ imports the AWS SDK.' };

/** no-restricted-imports (static imports and re-exports) and no-restricted-syntax (dynamic import()) together. */
function restrict({ paths = [], patterns = [], dynamic = [] }) {
  return {
    'no-restricted-imports': ['error', { paths, patterns }],
    'no-restricted-syntax': ['error', ...dynamic],
  };
}

/** A dynamic import() whose specifier matches `re` (source is a string literal). */
const dynamicImport = (re, message) => ({
  selector: `ImportExpression[source.value=/${re}/]`,
  message,
});
const NO_DYNAMIC_IN_PURE = {
  selector: 'ImportExpression',
  message: 'This folder is pure: it loads nothing lazily (no import()).',
};

const pureMessage = 'This folder is pure: no I/O, processes, CLI or AWS (see ARCHITECTURE.md invariants).';
const pure = restrict({
  paths: NODE_BUILTINS.filter((m) => m !== 'node:crypto' && m !== 'crypto').map((name) => ({
    name,
    message: pureMessage,
  })),
  patterns: [
    { group: ['@oclif/*', ...PROCESS_RUNNERS], message: pureMessage },
    { group: folderPattern([...IO_FOLDERS, 'catalog', 'config']), message: pureMessage },
    awsOnlyInAws,
  ],
  dynamic: [NO_DYNAMIC_IN_PURE],
});

const thinMessage = 'Commands stay thin: call a service (no processes, no git plumbing, no AWS).';
const thin = restrict({
  paths: PROCESS_RUNNERS.map((name) => ({ name, message: thinMessage })),
  patterns: [{ group: folderPattern(['git', 'exec', 'aws']), message: thinMessage }, awsOnlyInAws],
  dynamic: [
    dynamicImport('(^|\\/)(git|exec|aws)\\/|^(node:)?child_process$|^execa$|^@aws-sdk\\/', thinMessage),
  ],
});

const notAws = restrict({
  patterns: [awsOnlyInAws],
  dynamic: [dynamicImport('^@aws-sdk\\/', 'Only src/aws/ imports the AWS SDK.')],
});

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
  // A later block's no-restricted-* replaces an earlier one's, so each folder gets all of its own.
  { files: ['src/**'], ignores: ['src/aws/**'], rules: notAws },
  { files: PURE_FOLDERS.map((f) => `${f}/**`), rules: pure },
  { files: ['src/commands/**'], rules: thin },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['test/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
