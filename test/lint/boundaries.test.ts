// Lint boundaries hold: a forbidden import planted in a folder is rejected, in every form (bare, node:, dynamic, relative).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = join(import.meta.dirname, '..', '..');

/** Lints `code` as if it were `file` (type information off for the probe: the boundary rules need none). */
async function lint(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: [
      {
        files: [file],
        ...tseslint.configs.disableTypeChecked,
        languageOptions: { parserOptions: { projectService: false, project: null } },
      },
    ],
  });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const CASES: readonly (readonly [string, string, RegExp])[] = [
  ['src/detect/probe.ts', "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n", /pure/],
  [
    'src/detect/probe.ts',
    "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    /pure/,
  ],
  ['src/report/probe.ts', "import { readFile } from 'fs/promises';\nexport const x = readFile;\n", /pure/],
  ['src/findings/probe.ts', "export const x = async () => import('node:child_process');\n", /no import\(\)/],
  ['src/provenance/probe.ts', "export const x = async () => import('../git/process.ts');\n", /no import\(\)/],
  [
    'src/model/probe.ts',
    "import { scanSource } from '../scan/pipeline.ts';\nexport const x = scanSource;\n",
    /pure/,
  ],
  ['src/report/probe.ts', "import { openRepo } from '../git/repo.ts';\nexport const x = openRepo;\n", /pure/],
  ['src/detect/probe.ts', "import { execa } from 'execa';\nexport const x = execa;\n", /pure/],
  ['src/commands/probe.ts', "import { execa } from 'execa';\nexport const x = execa;\n", /thin/],
  [
    'src/commands/scan/probe.ts',
    "import { openRepo } from '../../git/repo.ts';\nexport const x = openRepo;\n",
    /thin/,
  ],
  ['src/commands/scan/probe.ts', "export const x = async () => import('../../git/repo.ts');\n", /thin/],
  ['src/commands/probe.ts', "export const x = async () => import('node:child_process');\n", /thin/],
  ['src/sources/probe.ts', "import { STS } from '@aws-sdk/client-sts';\nexport const x = STS;\n", /src\/aws/],
  ['src/scan/probe.ts', "export const x = async () => import('@aws-sdk/client-sts');\n", /src\/aws/],
];

for (const [file, code, expected] of CASES) {
  test(`lint rejects in ${file}: ${code.split('\n')[0]}`, async () => {
    const messages = await lint(file, code);
    assert.ok(
      messages.some((m) => expected.test(m)),
      `expected a boundary error, got: ${JSON.stringify(messages)}`,
    );
  });
}

test('lint accepts what the boundaries allow', async () => {
  assert.deepEqual(
    await lint(
      'src/findings/probe.ts',
      "import { createHash } from 'node:crypto';\nexport const x = createHash;\n",
    ),
    [],
  );
  assert.deepEqual(
    await lint(
      'src/sources/probe.ts',
      "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n",
    ),
    [],
  );
});
