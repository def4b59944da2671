// Ref reachability in one walk: branches, merges, annotated tags (peeled), non-commit tags ignored, a filter, a cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRepo } from '../../src/git/repo.ts';
import { refsReaching } from '../../src/git/refs-reaching.ts';
import { gitEnv, Repo } from './helpers.ts';

test('each commit gets exactly the refs whose history holds it', async () => {
  const r = new Repo();
  const a = r.commit('a', { 'a.txt': 'a\n' });
  r.git('checkout', '-q', '-b', 'side');
  const s = r.commit('s', { 's.txt': 's\n' });
  r.git('checkout', '-q', 'main');
  const b = r.commit('b', { 'b.txt': 'b\n' });
  r.git('tag', '-a', '-m', 'release', 'v1', b);
  r.git('merge', '-q', '--no-ff', '-m', 'merge', 'side');
  const m = r.git('rev-parse', 'HEAD');
  const blob = r.git('hash-object', '-w', '--stdin');
  r.git('tag', 'blob-tag', blob);
  r.git('update-ref', 'refs/pull/1/head', s);
  const repo = await openRepo({ path: r.dir, cwd: r.dir, env: gitEnv() });
  const got = await refsReaching(repo.ctx, [a, s, b, m], () => true);
  assert.deepEqual(got.get(a), ['refs/heads/main', 'refs/heads/side', 'refs/pull/1/head', 'refs/tags/v1']);
  assert.deepEqual(got.get(s), ['refs/heads/main', 'refs/heads/side', 'refs/pull/1/head']);
  assert.deepEqual(got.get(b), ['refs/heads/main', 'refs/tags/v1']);
  assert.deepEqual(got.get(m), ['refs/heads/main']);

  const heads = await refsReaching(repo.ctx, [s], (ref) => ref.startsWith('refs/heads/'));
  assert.deepEqual(heads.get(s), ['refs/heads/main', 'refs/heads/side']);
  const capped = await refsReaching(repo.ctx, [a, m], () => true, { maxRefs: 2 });
  assert.equal(capped.has(a), false, 'more refs than the cap: no list');
  assert.deepEqual(capped.get(m), ['refs/heads/main']);
});
