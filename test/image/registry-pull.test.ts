// `scan image docker://…` against a real registry (docker-registry) on 127.0.0.1: anonymous, basic and token auth.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildImage, pushImage, writeIndex, type OciImage } from '../helpers/image-build.ts';
import { ensureImageTools } from '../helpers/image-tools.ts';
import { runCliAsync, type CliResult } from '../helpers/cli.ts';
import { startRegistry, type Registry } from '../helpers/registry.ts';
import { assertValidReport } from '../helpers/schema.ts';
import { tempDir } from '../helpers/tmp.ts';
import { token } from './tokens.ts';

const S = { deleted: token('reg-deleted'), env: token('reg-env'), arm: token('reg-arm') };

interface Report {
  findings: {
    secret?: string;
    locations: {
      path: string;
      provenance: {
        image: string;
        manifestDigest: string;
        platform: string | null;
        target: { type: string; visibility?: string; layer?: { index: number; digest: string } };
      };
    }[];
  }[];
  summary: {
    incomplete: boolean;
    notes: string[];
    skippedItems: { path: string; reason: string; detail?: string }[];
  };
}

const work = tempDir('keyspill-registry-pull-');
/** Every output of every run, to check that no password ever shows. */
const outputs: string[] = [];

async function scan(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  // An empty DOCKER_CONFIG folder: the developer's own ~/.docker/config.json must not leak into these runs.
  const r = await runCliAsync(['scan', 'image', ...args], {
    cwd: work,
    env: { DOCKER_CONFIG: join(work, 'no-docker-config'), ...env },
  });
  outputs.push(r.stdout, r.stderr);
  return r;
}

function report(r: CliResult): Report {
  const parsed = JSON.parse(r.stdout) as Report;
  assertValidReport(parsed);
  return parsed;
}

function secrets(r: CliResult): string[] {
  return report(r)
    .findings.map((f) => f.secret!)
    .sort();
}

describe('scan image over the registry API', () => {
  let img: OciImage;
  let arm: OciImage;
  const regs: Partial<Record<'none' | 'basic' | 'token' | 'anon', Registry>> = {};
  const reg = (k: keyof typeof regs): Registry => regs[k]!;
  const layout = join(work, 'layout');

  before(async () => {
    ensureImageTools();
    img = await buildImage({
      layout,
      tag: 'leaky',
      layers: [
        {
          files: { 'app/.env': `GITHUB_TOKEN=${S.deleted}\n`, 'app/main.js': '1;\n' },
          createdBy: 'COPY . /app',
        },
        { delete: ['app/.env'], createdBy: 'RUN rm /app/.env' },
      ],
      config: { env: { API_TOKEN: S.env } },
    });
    arm = await buildImage({
      layout,
      tag: 'arm',
      layers: [{ files: { 'etc/token': `${S.arm}\n` } }],
      config: { architecture: 'arm64', os: 'linux' },
    });
    const index = writeIndex({ layout, tag: 'multi', images: [img, arm] });
    const [none, basic, tok, anon] = await Promise.all([
      startRegistry({ auth: 'none' }),
      startRegistry({ auth: 'basic' }),
      startRegistry({ auth: 'token' }),
      startRegistry({ auth: 'token', anonymousPull: true }),
    ]);
    Object.assign(regs, { none, basic, token: tok, anon });
    for (const r of [none, basic, tok, anon]) {
      await pushImage(img, {
        host: r.host,
        repository: 'keyspill/leaky',
        tag: '1',
        credentials: r.credentials,
      });
    }
    await pushImage(img, { host: none.host, repository: 'keyspill/leaky', tag: 'v2s2', format: 'v2s2' });
    await pushImage(index, { host: none.host, repository: 'keyspill/multi', tag: '1' });
  });

  after(async () => {
    await Promise.all(Object.values(regs).map((r) => r.stop()));
    const all = outputs.join('\n');
    for (const r of Object.values(regs))
      if (r.credentials !== undefined)
        assert.ok(!all.includes(r.credentials.password), 'a password was printed');
  });

  it('pulls anonymously: the deleted secret and the Env value, under the registry reference and manifest digest', async () => {
    const ref = `docker://${reg('none').host}/keyspill/leaky:1`;
    const before = reg('none').requests.length;
    const r = await scan([ref, '--insecure-registry', reg('none').host, '-f', 'json', '--show-secrets']);
    assert.equal(r.code, 1, r.stderr);
    const rep = report(r);
    assert.deepEqual(secrets(r), [S.deleted, S.env].sort());
    const del = rep.findings.find((f) => f.secret === S.deleted)!.locations[0]!;
    assert.equal(del.provenance.image, ref);
    assert.equal(del.provenance.manifestDigest, img.manifestDigest);
    assert.equal(del.provenance.target.visibility, 'deleted');
    assert.equal(del.provenance.target.layer?.digest, img.layers[0]!.digest);
    const seen = reg('none')
      .requests.slice(before)
      .map((q) => `${q.method} ${q.path.replace(/sha256:[0-9a-f]+/, 'D')} ${q.status} ${q.authorization}`);
    assert.deepEqual(seen, [
      'GET /v2/keyspill/leaky/manifests/1 200 none',
      'GET /v2/keyspill/leaky/blobs/D 200 none',
      'GET /v2/keyspill/leaky/blobs/D 200 none',
      'GET /v2/keyspill/leaky/blobs/D 200 none',
    ]);
  });

  it('pulls by digest, a Docker schema 2 manifest, and a platform of a multi-arch index', async () => {
    const h = reg('none').host;
    const insecure = ['--insecure-registry', h, '-f', 'json', '--show-secrets'];
    const byDigest = await scan([`docker://${h}/keyspill/leaky@${img.manifestDigest}`, ...insecure]);
    assert.deepEqual(secrets(byDigest), [S.deleted, S.env].sort());
    const v2 = await scan([`${h}/keyspill/leaky:v2s2`, ...insecure]);
    assert.deepEqual(secrets(v2), [S.deleted, S.env].sort());
    assert.notEqual(report(v2).findings[0]!.locations[0]!.provenance.manifestDigest, img.manifestDigest);
    const multi = await scan([`docker://${h}/keyspill/multi:1`, '--platform', 'linux/arm64', ...insecure]);
    assert.deepEqual(secrets(multi), [S.arm]);
    assert.equal(report(multi).findings[0]!.locations[0]!.provenance.platform, 'linux/arm64');
    const all = await scan([`docker://${h}/keyspill/multi:1`, '--all-platforms', ...insecure]);
    assert.deepEqual(secrets(all), [S.arm, S.deleted, S.env].sort());
  });

  it('a 404 tag names the registry, repository and tag (exit 3, --json error envelope)', async () => {
    const h = reg('none').host;
    const r = await scan([`docker://${h}/keyspill/leaky:nope`, '--insecure-registry', h]);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      new RegExp(`registry ${h} has no manifest keyspill/leaky:nope \\(404 MANIFEST_UNKNOWN`),
    );
    const j = await scan([`docker://${h}/keyspill/leaky:nope`, '--insecure-registry', h, '--json']);
    const env = JSON.parse(j.stdout) as { status: number; error: Record<string, string> };
    assert.equal(env.status, 3);
    assert.equal(env.error['name'], 'RemoteError');
    assert.equal(env.error['endpoint'], h);
    assert.equal(env.error['permission'], 'pull keyspill/leaky');
  });

  it('waits out a 429 with Retry-After on the manifest and on a blob, then succeeds', async () => {
    const r0 = reg('none');
    r0.failNext({ status: 429, retryAfter: '1', path: /\/manifests\// });
    r0.failNext({ status: 429, retryAfter: '1', path: /\/blobs\// });
    const before = r0.requests.length;
    const r = await scan([
      `docker://${r0.host}/keyspill/leaky:1`,
      '--insecure-registry',
      r0.host,
      '-f',
      'json',
      '--show-secrets',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(secrets(r), [S.deleted, S.env].sort());
    const injected = r0.requests.slice(before).filter((q) => q.injected);
    assert.deepEqual(
      injected.map((q) => [q.status, q.path.includes('/manifests/') ? 'manifest' : 'blob']),
      [
        [429, 'manifest'],
        [429, 'blob'],
      ],
    );
  });

  it('gives up on a registry that keeps answering 429, saying so', async () => {
    const r0 = reg('none');
    // Exactly as many as keyspill tries (5), so no fault is left for the next test.
    r0.failNext({ status: 429, retryAfter: '0', path: /\/manifests\//, times: 5 });
    const r = await scan([`docker://${r0.host}/keyspill/leaky:1`, '--insecure-registry', r0.host]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /answered 429 Too Many Requests to manifest keyspill\/leaky:1 5 times/);
    assert.match(r.stderr, /fix: wait and retry/);
  });

  it('uses TLS unless --insecure-registry names the registry', async () => {
    const h = reg('none').host;
    const r = await scan([`docker://${h}/keyspill/leaky:1`]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, new RegExp(`cannot reach registry ${h} \\(https://${h}\\)`));
    assert.match(r.stderr, new RegExp(`fix: if ${h} serves plain HTTP, pass --insecure-registry ${h}`));
  });

  it('a manifest naming a blob the registry lost: that layer is named and skipped, the rest still reported', async () => {
    const h = reg('none').host;
    await pushImage(img, { host: h, repository: 'keyspill/lossy', tag: '1' });
    const gone = img.layers[1]!.digest;
    const del = await fetch(`http://${h}/v2/keyspill/lossy/blobs/${gone}`, { method: 'DELETE' });
    assert.equal(del.status, 202);
    const r = await scan([
      `docker://${h}/keyspill/lossy:1`,
      '--insecure-registry',
      h,
      '-f',
      'json',
      '--show-secrets',
    ]);
    assert.equal(r.code, 1, r.stderr);
    const rep = report(r);
    assert.equal(rep.summary.incomplete, true);
    const skip = rep.summary.skippedItems.find((s) => s.reason === 'missing-object');
    assert.ok(skip, JSON.stringify(rep.summary));
    assert.equal(skip.path, `docker://${h}/keyspill/lossy:1 layer 2/2 ${gone.slice(0, 19)}`);
    assert.match(skip.detail!, /404 BLOB_UNKNOWN/);
    assert.deepEqual(secrets(r), [S.deleted, S.env].sort());
  });

  describe('basic auth (htpasswd)', () => {
    const ref = (): string => `docker://${reg('basic').host}/keyspill/leaky:1`;
    const insecure = (): string[] => ['--insecure-registry', reg('basic').host];
    const creds = (): string => `${reg('basic').credentials!.username}:${reg('basic').credentials!.password}`;

    it('with --creds (or KEYSPILL_REGISTRY_CREDS)', async () => {
      const r = await scan([ref(), ...insecure(), '--creds', creds(), '-f', 'json', '--show-secrets']);
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(secrets(r), [S.deleted, S.env].sort());
      assert.ok(reg('basic').requests.some((q) => q.authorization === 'basic' && q.status === 200));
      const viaEnv = await scan([ref(), ...insecure(), '-f', 'json'], { KEYSPILL_REGISTRY_CREDS: creds() });
      assert.equal(viaEnv.code, 1, viaEnv.stderr);
    });

    it('without credentials: 401 naming the registry, what to pass; wrong ones: refused for that user', async () => {
      const none = await scan([ref(), ...insecure()]);
      assert.equal(none.code, 3);
      assert.match(
        none.stderr,
        new RegExp(
          `registry ${reg('basic').host} refused anonymous access to keyspill/leaky: it needs credentials \\(401`,
        ),
      );
      assert.match(none.stderr, /fix: pass --creds USER:PASS, or docker login/);
      const wrong = await scan([ref(), ...insecure(), '--creds', 'keyspill:not-the-password']);
      assert.equal(wrong.code, 3);
      assert.match(wrong.stderr, /refused the credentials of keyspill \(from --creds\)/);
      assert.ok(!wrong.stderr.includes('not-the-password'));
    });

    it('from ~/.docker/config.json auths (HOME) and from DOCKER_CONFIG', async () => {
      const home = join(work, 'home');
      mkdirSync(join(home, '.docker'), { recursive: true });
      const auth = Buffer.from(creds()).toString('base64');
      writeFileSync(
        join(home, '.docker', 'config.json'),
        JSON.stringify({ auths: { [`http://${reg('basic').host}`]: { auth } } }),
      );
      const viaHome = await scan([ref(), ...insecure(), '-f', 'json'], {
        HOME: home,
        DOCKER_CONFIG: undefined,
      });
      assert.equal(viaHome.code, 1, viaHome.stderr);
      const dir = join(work, 'docker-config');
      mkdirSync(dir, { recursive: true });
      const { username, password } = reg('basic').credentials!;
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({ auths: { [reg('basic').host]: { username, password } } }),
      );
      const viaEnv = await scan([ref(), ...insecure(), '-f', 'json'], { DOCKER_CONFIG: dir });
      assert.equal(viaEnv.code, 1, viaEnv.stderr);
    });

    it('through a credsStore / credHelpers helper (docker-credential-*), and names a helper that cannot run', async () => {
      const bin = join(work, 'bin');
      mkdirSync(bin, { recursive: true });
      const { username, password } = reg('basic').credentials!;
      const helper = join(bin, 'docker-credential-kstest');
      writeFileSync(
        helper,
        [
          '#!/bin/sh',
          'read server',
          `[ "$1" = get ] || exit 2`,
          `[ "$server" = "${reg('basic').host}" ] || { echo "credentials not found in native keychain"; exit 1; }`,
          `printf '{"ServerURL":"%s","Username":"${username}","Secret":"${password}"}' "$server"`,
          '',
        ].join('\n'),
      );
      chmodSync(helper, 0o755);
      const path = `${bin}:${process.env['PATH'] ?? ''}`;
      for (const config of [{ credsStore: 'kstest' }, { credHelpers: { [reg('basic').host]: 'kstest' } }]) {
        const dir = join(work, `helper-${Object.keys(config)[0]!}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
        const r = await scan([ref(), ...insecure(), '-f', 'json'], { DOCKER_CONFIG: dir, PATH: path });
        assert.equal(r.code, 1, `${JSON.stringify(config)}: ${r.stderr}`);
      }
      const dir = join(work, 'helper-missing');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: 'nonexistent' }));
      const r = await scan([ref(), ...insecure()], { DOCKER_CONFIG: dir });
      assert.equal(r.code, 3);
      assert.match(
        r.stderr,
        /it needs credentials \(401.*docker-credential-nonexistent, which could not run/s,
      );
    });
  });

  describe('bearer token auth (WWW-Authenticate challenge → token server)', () => {
    it('with --creds: the token server is asked for a pull token as that user', async () => {
      const t = reg('token');
      const { username, password } = t.credentials!;
      const r = await scan([
        `docker://${t.host}/keyspill/leaky:1`,
        '--insecure-registry',
        t.host,
        '--creds',
        `${username}:${password}`,
        '-f',
        'json',
        '--show-secrets',
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(secrets(r), [S.deleted, S.env].sort());
      const asked = t.tokenRequests.filter((q) => q.account === username && q.status === 200);
      assert.ok(
        asked.some((q) => q.scopes.includes('repository:keyspill/leaky:pull')),
        JSON.stringify(t.tokenRequests),
      );
      assert.ok(t.requests.some((q) => q.authorization === 'bearer' && q.status === 200));
    });

    it('anonymously when the token server gives anonymous pull tokens (as Docker Hub does for public images)', async () => {
      const a = reg('anon');
      const r = await scan([
        `docker://${a.host}/keyspill/leaky:1`,
        '--insecure-registry',
        a.host,
        '-f',
        'json',
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(a.tokenRequests.some((q) => q.account === null && q.status === 200));
    });

    it('without credentials: 401; with wrong ones: the token server refuses them', async () => {
      const t = reg('token');
      const none = await scan([`docker://${t.host}/keyspill/leaky:1`, '--insecure-registry', t.host]);
      assert.equal(none.code, 3);
      assert.match(none.stderr, new RegExp(`registry ${t.host} refused anonymous access to keyspill/leaky`));
      const wrong = await scan([
        `docker://${t.host}/keyspill/leaky:1`,
        '--insecure-registry',
        t.host,
        '--creds',
        'keyspill:nope-nope',
      ]);
      assert.equal(wrong.code, 3);
      assert.match(wrong.stderr, /the token server of .* refused the credentials of keyspill \(401\)/);
    });
  });
});
