// Context of a file, read from its path alone: tests, docs, examples and generated files lower confidence.

/** What a path says about the file: where credentials are usually fake, or text nobody wrote by hand. */
export type PathContext = 'test' | 'docs' | 'example' | 'generated';

/** The words the reports use for each context (why a match's confidence was lowered). */
export const CONTEXT_REASONS: Readonly<Record<PathContext, string>> = {
  test: 'test or fixture path',
  docs: 'documentation path',
  example: 'example or template file',
  generated: 'generated or minified file',
};

const GENERATED_NAMES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'gemfile.lock',
  'cargo.lock',
  'poetry.lock',
  'pipfile.lock',
  'composer.lock',
  'go.sum',
  'flake.lock',
  'packages.lock.json',
  'podfile.lock',
  'pubspec.lock',
  'mix.lock',
  'uv.lock',
]);
const GENERATED_FILE =
  /(?:[.-]min\.(?:js|mjs|cjs|css)|\.(?:map|snap)|\.bundle\.js|\.chunk\.js|\.pb\.go|_pb2\.py|\.g\.dart)$/;
const TEST_DIR = new Set([
  'test',
  'tests',
  '__tests__',
  'spec',
  'specs',
  'testdata',
  'test-data',
  'test_data',
  'testing',
  'fixtures',
  '__fixtures__',
  'fixture',
  '__mocks__',
  'mocks',
  'e2e',
  'testutil',
  'testutils',
]);
const TEST_FILE =
  /(?:^test_[^/]*\.py|_test\.(?:go|py|rb|exs?)|\.(?:test|spec|tests)\.[a-z]+|(?:Test|Tests|Spec|IT)\.(?:java|kt|cs|scala|groovy|swift)|^conftest\.py)$/;
const DOCS_DIR = new Set(['docs', 'doc', 'documentation', 'man', 'wiki']);
const DOCS_FILE =
  /(?:\.(?:md|markdown|mdx|rst|adoc|asciidoc|textile)|^(?:readme|changelog|changes|history)(?:\.[a-z]+)?)$/i;
const EXAMPLE_DIR = new Set([
  'example',
  'examples',
  'sample',
  'samples',
  'demo',
  'demos',
  'tutorial',
  'tutorials',
]);
const EXAMPLE_FILE =
  /(?:[._-](?:example|sample|template|tmpl|dist|default|defaults)(?:\.[a-z0-9]+)?|^example[._-][^/]*)$/i;

/**
 * The context a path puts a file in, or undefined for ordinary source and configuration. `path` may be an
 * archive member path (`lib/app.jar!/config/app.properties`): every segment counts.
 */
export function pathContext(path: string): PathContext | undefined {
  const segments = path.toLowerCase().split(/[/\\]|!\//);
  const name = segments[segments.length - 1] ?? '';
  const original = path.split(/[/\\]|!\//).pop() ?? '';
  if (GENERATED_NAMES.has(name) || GENERATED_FILE.test(name)) return 'generated';
  const dirs = segments.slice(0, -1);
  if (dirs.some((d) => TEST_DIR.has(d)) || TEST_FILE.test(original)) return 'test';
  if (EXAMPLE_FILE.test(name) || dirs.some((d) => EXAMPLE_DIR.has(d))) return 'example';
  if (dirs.some((d) => DOCS_DIR.has(d)) || DOCS_FILE.test(name)) return 'docs';
  return undefined;
}

/** A minified line: long, with almost no spaces (a generated bundle that was not named as one). */
export function isMinifiedLine(line: string): boolean {
  if (line.length < 400) return false;
  let spaces = 0;
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === 32) spaces++;
  return spaces / line.length < 0.05;
}
