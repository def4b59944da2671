// CatFile against a real git: a request made after git died (its stdin already closed) must not hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { CatFile } from '../../src/git/cat-file.ts';
import { openRepo } from '../../src/git/repo.ts';
import { Repo, gitEnv } from './helpers.ts';

test('a request after cat-file exited resolves at once; next() restarts git and still answers it', async () => {
  const r = new Repo();
  r.commit('one', { 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
  const a = r.git('rev-parse', 'HEAD:a.txt');
  const b = r.git('rev-parse', 'HEAD:b.txt');
  const repo = await openRepo({ path: r.dir, cwd: r.dir, env: gitEnv() });
  const cat = new CatFile(repo.ctx, { buffered: true });
  try {
    const first = (cat as unknown as { child: ChildProcess }).child;
    first.kill('SIGKILL');
    await once(first, 'exit');
    await new Promise((res) => setImmediate(res));
    assert.ok(first.stdin!.destroyed, 'node has closed the dead child stdin');
    const waiting = cat.request(a);
    const settled = await Promise.race([
      Promise.resolve(waiting).then(() => 'resolved'),
      new Promise((res) => setTimeout(() => res('hung'), 2000)),
    ]);
    assert.equal(settled, 'resolved');
    await cat.request(b);
    cat.endInput();
    const ra = await cat.next();
    assert.equal(ra?.kind, 'failed', 'the object being read when git died is reported failed');
    const rb = await cat.next();
    assert.equal(rb?.kind, 'object');
    assert.equal(rb?.kind === 'object' ? rb.content.toString() : '', 'beta\n');
  } finally {
    cat.close();
  }
});
