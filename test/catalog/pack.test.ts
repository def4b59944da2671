// Rule packs: schema, regex and example problems are reported with file, line and rule id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePack } from '../../src/catalog/load.ts';
import { formatProblem } from '../../src/catalog/pack.ts';

const good = `rules:
  - id: acme-key
    description: Acme key
    kind: acme-key
    keywords: [acme_]
    regex: '(acme_[a-z0-9]{16})'
    examples: ['k = acme_a1b2c3d4e5f6g7h8']
`;

test('a good pack compiles with RE2 for user files', async () => {
  const p = await compilePack(good, 'r.yml', { type: 'file', file: 'r.yml' });
  assert.deepEqual(p.problems, []);
  assert.equal(p.rules[0]!.matcher.engine, 're2');
});

const cases: [string, string, RegExp][] = [
  [
    'bad regex names rule and line',
    good.replace("'(acme_[a-z0-9]{16})'", "'(acme_[a-z0-9]{16}'"),
    /^r\.yml:2: rule "acme-key": regex does not compile/,
  ],
  [
    'unknown field',
    good.replace('    kind:', '    secret_group: 1\n    kind:'),
    /^r\.yml:\d+: rule "acme-key": .*secret_group/,
  ],
  ['missing examples', good.replace(/ {4}examples:.*\n/, ''), /rule "acme-key": examples: /],
  [
    'bad severity with line',
    good.replace('    kind:', '    severity: urgent\n    kind:'),
    /^r\.yml:4: rule "acme-key": severity:/,
  ],
  ['duplicate id', good + good.replace('rules:\n', ''), /duplicate id/],
  ['invalid YAML', 'rules:\n  - id: [\n', /^r\.yml:\d+: invalid YAML/],
  ['not a rules mapping', '- a\n- b\n', /mapping with one key, "rules:"/],
  [
    'alias bomb is bounded',
    `a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nrules: []\n`,
    /invalid YAML: .*alias/i,
  ],
  [
    'secretGroup beyond groups',
    good.replace('    examples:', '    secretGroup: 3\n    examples:'),
    /secretGroup 3 but the regex has only 1/,
  ],
];
for (const [name, text, re] of cases) {
  test(`pack problem: ${name}`, async () => {
    const p = await compilePack(text, 'r.yml', { type: 'file', file: 'r.yml' });
    assert.ok(p.problems.length > 0, 'expected a problem');
    const msgs = p.problems.map(formatProblem);
    assert.ok(
      msgs.some((m) => re.test(m)),
      msgs.join('\n'),
    );
  });
}
