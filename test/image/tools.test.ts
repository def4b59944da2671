// Smoke tests of the image test helpers: real umoci/skopeo images, archives, and a real registry in each auth mode.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildImage,
  inspectImage,
  layerEntries,
  layerFile,
  layerTar,
  MEDIA,
  pushImage,
  recompress,
  rewriteLayer,
  skopeo,
  stripTarEnd,
  toDockerArchive,
  toOciArchive,
  writeIndex,
  type OciImage,
} from '../helpers/image-build.ts';
import { ensureImageTools } from '../helpers/image-tools.ts';
import { MANIFEST_ACCEPT, startRegistry, type Credentials, type Registry } from '../helpers/registry.ts';
import { tempDir } from '../helpers/tmp.ts';

const SECRET = 'AWS_SECRET_ACCESS_KEY=q7Rk2VxN9pLmW4tZ8cYhB3sJ6dFgA1eKuT5oXiQw';
const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** GET through the registry auth flow a client must follow: 401 challenge → Basic, or Bearer via the realm. */
async function registryGet(
  reg: Registry,
  path: string,
  o: { accept?: string; credentials?: Credentials | undefined; maxRetries?: number } = {},
): Promise<Response> {
  const headers: Record<string, string> = o.accept === undefined ? {} : { accept: o.accept };
  const get = async (extra: Record<string, string> = {}): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${reg.url}${path}`, {
        headers: { ...headers, ...extra },
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status !== 429 || attempt >= (o.maxRetries ?? 0)) return res;
      await res.arrayBuffer();
      const wait = Math.min(Number(res.headers.get('retry-after') ?? '1'), 5) * 1000;
      await new Promise((r) => setTimeout(r, wait));
    }
  };
  const first = await get();
  if (first.status !== 401) return first;
  const challenge = first.headers.get('www-authenticate') ?? '';
  const scheme = challenge.split(' ')[0]!.toLowerCase();
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const basic = o.credentials
    ? `Basic ${Buffer.from(`${o.credentials.username}:${o.credentials.password}`).toString('base64')}`
    : undefined;
  if (scheme === 'basic' && !basic) return first;
  await first.arrayBuffer();
  if (scheme === 'basic') return get({ authorization: basic! });
  assert.equal(scheme, 'bearer', `unexpected challenge ${challenge}`);
  const realm = new URL(params.realm!);
  realm.searchParams.set('service', params.service!);
  if (params.scope) realm.searchParams.set('scope', params.scope);
  const tr = await fetch(realm, {
    headers: basic ? { authorization: basic } : {},
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(tr.status, 200, `token server said ${tr.status}`);
  const { token } = (await tr.json()) as { token: string };
  return get({ authorization: `Bearer ${token}` });
}

function tarList(path: string): string[] {
  const r = spawnSync('tar', ['-tf', path], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

describe('image test helpers (umoci, skopeo, docker-registry)', { timeout: 120_000 }, () => {
  const dir = tempDir('keyspill-image-'); // here, not in before(): an after() registered in a hook runs when it ends
  const layout = join(dir, 'layout');
  let img: OciImage;
  let reg: Registry;

  before(async () => {
    ensureImageTools();
    reg = await startRegistry({ auth: 'none' });
    img = await buildImage({
      layout,
      tag: 'leaky',
      layers: [
        {
          files: {
            'app/.env': SECRET,
            'app/main.js': 'console.log(1)\n',
            'etc/conf/a': 'a',
            'etc/conf/b': 'b',
          },
          createdBy: 'COPY . /app',
          created: '2024-01-02T03:04:05Z',
        },
        { delete: ['app/.env'], createdBy: 'RUN rm /app/.env', created: '2024-01-02T03:05:00Z' },
        { opaque: 'etc/conf', files: { 'etc/conf/c': 'c' }, createdBy: 'COPY conf /etc/conf' },
        { delete: ['etc/conf'], files: { 'etc/conf/d': 'd' }, createdBy: 'RUN rm -r /etc/conf && …' },
      ],
      config: {
        env: { AWS_REGION: 'eu-west-1', GITHUB_TOKEN: 'ghp_notreal' },
        labels: { 'org.example.team': 'infra' },
        cmd: ['node', 'main.js'],
        entrypoint: ['/usr/bin/env'],
        created: '2024-01-02T04:00:00Z',
        createdBy: 'ENV GITHUB_TOKEN=ghp_notreal',
        historyCreated: '2024-01-02T03:06:00Z',
      },
    });
  });
  after(() => reg?.stop());

  it('umoci writes the secret in layer 0 and real whiteouts in later layers', async () => {
    assert.equal(img.layers.length, 4);
    const [l0, l1, l2, l3] = img.layers;
    assert.ok((await layerEntries(l0!.path)).includes('app/.env'));
    assert.equal(await layerFile(l0!.path, 'app/.env'), SECRET);
    assert.deepEqual(await layerEntries(l1!.path), ['app/.wh..env']);
    const opq = await layerEntries(l2!.path);
    assert.equal(opq[0], 'etc/conf/.wh..wh..opq');
    assert.ok(opq.includes('etc/conf/c'));
    // A directory replaced between repacks: one whiteout per old entry, never an opaque marker.
    assert.deepEqual((await layerEntries(l3!.path)).filter((n) => n.includes('.wh.')).sort(), [
      'etc/conf/.wh.c',
    ]);
    for (const l of img.layers) {
      const blob = readFileSync(l.path);
      assert.equal(sha256(blob), l.digest);
      assert.equal(sha256(layerTar(blob)), l.diffId);
      assert.equal(l.mediaType, MEDIA.layerGzip);
    }
    const c = img.config;
    assert.deepEqual(c.config?.Env, ['AWS_REGION=eu-west-1', 'GITHUB_TOKEN=ghp_notreal']);
    assert.deepEqual(c.config?.Labels, { 'org.example.team': 'infra' });
    assert.deepEqual(c.config?.Cmd, ['node', 'main.js']);
    assert.deepEqual(c.config?.Entrypoint, ['/usr/bin/env']);
    assert.equal(c.created, '2024-01-02T04:00:00Z');
    assert.deepEqual(
      c.history?.map((h) => h.created_by),
      [
        'COPY . /app',
        'RUN rm /app/.env',
        'COPY conf /etc/conf',
        'RUN rm -r /etc/conf && …',
        'ENV GITHUB_TOKEN=ghp_notreal',
      ],
    );
    assert.equal(c.history?.[0]?.created, '2024-01-02T03:04:05Z');
    assert.equal(c.history?.[4]?.empty_layer, true);
  });

  it('umoci insert leaves its tar unterminated (kept with rawInsertTar)', async () => {
    const raw = await buildImage({
      layout,
      tag: 'raw-insert',
      layers: [{ opaque: 'etc/x', files: { 'etc/x/y': 'yy' } }],
      rawInsertTar: true,
    });
    const tar = layerTar(readFileSync(raw.layers[0]!.path));
    assert.notEqual(tar.length % 512, 0, 'umoci 0.4.7 insert: last entry unpadded, no end-of-archive blocks');
  });

  it('recompresses to zstd and plain tar, and hand-writes a layer with no end-of-archive blocks', async () => {
    const zst = await recompress(img, 'zstd', join(dir, 'zstd'));
    const plain = await recompress(img, 'none', join(dir, 'plain'));
    assert.ok(zst.layers.every((l) => l.mediaType === MEDIA.layerZstd));
    assert.equal(readFileSync(zst.layers[0]!.path).readUInt32LE(0), 0xfd2fb528);
    assert.ok(plain.layers.every((l) => l.mediaType === MEDIA.layerTar));
    assert.deepEqual(
      zst.layers.map((l) => l.diffId),
      img.layers.map((l) => l.diffId),
    );
    assert.deepEqual(
      plain.layers.map((l) => l.diffId),
      img.layers.map((l) => l.diffId),
    );
    for (const base of [img, plain, zst]) {
      const cut = rewriteLayer(base, 0, stripTarEnd, `${base.tag}-noeof`);
      const tar = layerTar(readFileSync(cut.layers[0]!.path));
      assert.equal(tar.length % 512, 0);
      assert.ok(
        tar.subarray(-512).some((b) => b !== 0),
        'last block is data, not an end marker',
      );
      assert.equal(sha256(tar), cut.config.rootfs.diff_ids[0]);
      assert.equal(await layerFile(cut.layers[0]!.path, 'app/.env'), SECRET);
      // skopeo checks every digest while copying: the rewritten image is consistent.
      await skopeo(['copy', '-q', cut.ref, `dir:${join(dir, `copy-${cut.tag}`)}`]);
    }
    for (const base of [img, plain, zst]) {
      assert.equal(
        inspectImage(base.layout, base.tag).manifestDigest,
        base.manifestDigest,
        'source tag untouched',
      );
    }
  });

  it('converts to docker-archive (layers before manifest.json) and oci-archive', async () => {
    const docker = await toDockerArchive(img, join(dir, 'docker.tar'), 'example/leaky:1');
    const names = tarList(docker);
    const manifestAt = names.indexOf('manifest.json');
    const layerTars = names.filter((n) => /^[0-9a-f]{64}\.tar$/.test(n));
    assert.equal(layerTars.length, 4);
    assert.ok(layerTars.every((n) => names.indexOf(n) < manifestAt));
    const m = spawnSync('tar', ['-xOf', docker, 'manifest.json'], { encoding: 'utf8', timeout: 30_000 });
    const [entry] = JSON.parse(m.stdout) as { Config: string; RepoTags: string[]; Layers: string[] }[];
    assert.deepEqual(entry?.RepoTags, ['docker.io/example/leaky:1']);
    assert.deepEqual(
      entry?.Layers,
      img.layers.map((l) => `${l.diffId.slice(7)}.tar`),
    );

    const oci = tarList(await toOciArchive(img, join(dir, 'oci.tar')));
    for (const n of ['oci-layout', 'index.json', `blobs/sha256/${img.manifestDigest.slice(7)}`]) {
      assert.ok(oci.includes(n), `${n} in oci-archive`);
    }
  });

  it('pushes to the registry; manifests need the OCI Accept types', async () => {
    assert.match(reg.registryHost, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(reg.registryHost, '127.0.0.1:5000', 'an ephemeral port, not the default');
    assert.notEqual(reg.host, reg.registryHost, 'clients go through the proxy');
    await pushImage(img, { host: reg.host, repository: 'keyspill/leaky', tag: 'v1' });
    const res = await registryGet(reg, '/v2/keyspill/leaky/manifests/v1', { accept: MANIFEST_ACCEPT });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), MEDIA.ociManifest);
    assert.equal(res.headers.get('docker-content-digest'), img.manifestDigest);
    assert.equal(sha256(Buffer.from(await res.arrayBuffer())), img.manifestDigest);
    for (const accept of [undefined, '*/*', MEDIA.dockerManifest]) {
      const r = await registryGet(reg, '/v2/keyspill/leaky/manifests/v1', accept ? { accept } : {});
      assert.equal(r.status, 404, `Accept ${accept}`);
      assert.match(await r.text(), /OCI manifest found, but accept header does not support OCI manifests/);
    }
    const byDigest = await registryGet(reg, `/v2/keyspill/leaky/manifests/${img.manifestDigest}`);
    assert.equal(byDigest.status, 404, 'by digest too');
    await byDigest.arrayBuffer();
    const blob = await registryGet(reg, `/v2/keyspill/leaky/blobs/${img.layers[0]!.digest}`);
    assert.equal(sha256(Buffer.from(await blob.arrayBuffer())), img.layers[0]!.digest);

    // Docker schema 2: without its Accept type the registry rewrites it to a signed schema 1 manifest.
    await pushImage(img, { host: reg.host, repository: 'keyspill/leaky', tag: 'docker', format: 'v2s2' });
    const d2 = await registryGet(reg, '/v2/keyspill/leaky/manifests/docker', { accept: MANIFEST_ACCEPT });
    assert.equal(d2.headers.get('content-type'), MEDIA.dockerManifest);
    await d2.arrayBuffer();
    const s1 = await registryGet(reg, '/v2/keyspill/leaky/manifests/docker');
    assert.equal(s1.headers.get('content-type'), 'application/vnd.docker.distribution.manifest.v1+prettyjws');
    await s1.arrayBuffer();
  });

  it('answers 429 with Retry-After once when asked', async () => {
    await pushImage(img, { host: reg.host, repository: 'keyspill/limited', tag: 'v1' });
    reg.failNext({ path: /\/manifests\// });
    const path = '/v2/keyspill/limited/manifests/v1';
    const limited = await registryGet(reg, path, { accept: MANIFEST_ACCEPT });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    await limited.arrayBuffer();
    reg.failNext({ path: /\/manifests\// });
    const t0 = Date.now();
    const ok = await registryGet(reg, path, { accept: MANIFEST_ACCEPT, maxRetries: 2 });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    assert.ok(Date.now() - t0 >= 900, 'waited for Retry-After');
    const seen = reg.requests.filter((r) => r.path === path && r.method === 'GET');
    assert.deepEqual(
      seen.map((r) => [r.status, r.injected]),
      [
        [429, true],
        [429, true],
        [200, false],
      ],
    );
  });

  it('pushes a multi-arch index and two images that share a layer', async () => {
    const base = { files: { 'srv/shared.txt': 'shared layer\n' }, createdBy: 'COPY shared.txt /srv/' };
    const amd = await buildImage({ layout, tag: 'amd64', layers: [base], config: { architecture: 'amd64' } });
    const arm = await buildImage({ layout, tag: 'arm64', layers: [base], config: { architecture: 'arm64' } });
    const index = writeIndex({ layout, tag: 'multi', images: [amd, arm] });
    await pushImage(index, { host: reg.host, repository: 'keyspill/multi', tag: 'v1' });
    const res = await registryGet(reg, '/v2/keyspill/multi/manifests/v1', { accept: MANIFEST_ACCEPT });
    assert.equal(res.headers.get('content-type'), MEDIA.ociIndex);
    assert.equal(res.headers.get('docker-content-digest'), index.digest);
    const got = (await res.json()) as { manifests: { digest: string; platform: { architecture: string } }[] };
    assert.deepEqual(
      got.manifests.map((m) => m.platform.architecture),
      ['amd64', 'arm64'],
    );
    for (const m of got.manifests) {
      const r = await registryGet(reg, `/v2/keyspill/multi/manifests/${m.digest}`, {
        accept: MANIFEST_ACCEPT,
      });
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }
    const noOci = await registryGet(reg, '/v2/keyspill/multi/manifests/v1', { accept: MEDIA.dockerList });
    assert.equal(noOci.status, 404);
    assert.match(await noOci.text(), /OCI index found/);
    assert.ok(tarList(await toOciArchive(index, join(dir, 'multi.tar'))).includes('index.json'));

    const derived = await buildImage({
      layout,
      tag: 'derived',
      from: 'amd64',
      layers: [{ files: { 'srv/extra.txt': 'x' } }],
    });
    assert.equal(derived.layers[0]!.digest, amd.layers[0]!.digest);
    assert.notEqual(derived.layers[1]!.digest, amd.layers[0]!.digest);
    await pushImage(amd, { host: reg.host, repository: 'keyspill/a', tag: 'v1' });
    await pushImage(derived, { host: reg.host, repository: 'keyspill/b', tag: 'v1' });
    for (const repo of ['a', 'b']) {
      const r = await registryGet(reg, `/v2/keyspill/${repo}/manifests/v1`, { accept: MANIFEST_ACCEPT });
      const m = (await r.json()) as { layers: { digest: string }[] };
      assert.equal(m.layers[0]?.digest, amd.layers[0]!.digest);
    }
  });

  for (const auth of ['basic', 'token'] as const) {
    it(`pushes and pulls through ${auth} auth`, async () => {
      const r = await startRegistry({ auth });
      try {
        await assert.rejects(pushImage(img, { host: r.host, repository: 'keyspill/leaky', tag: 'v1' }));
        await pushImage(img, {
          host: r.host,
          repository: 'keyspill/leaky',
          tag: 'v1',
          credentials: r.credentials,
        });
        const path = '/v2/keyspill/leaky/manifests/v1';
        const anon = await registryGet(r, path, { accept: MANIFEST_ACCEPT });
        assert.equal(anon.status, 401);
        const challenge = anon.headers.get('www-authenticate') ?? '';
        await anon.arrayBuffer();
        if (auth === 'basic') {
          assert.match(challenge, /^Basic realm="keyspill-test-registry"/);
        } else {
          assert.match(
            challenge,
            /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="keyspill-test-registry"/,
          );
          assert.match(challenge, /scope="repository:keyspill\/leaky:pull"/);
        }
        const wrong = await registryGet(r, path, {
          accept: MANIFEST_ACCEPT,
          credentials: { username: 'keyspill', password: 'wrong' },
        }).catch((e: unknown) => e);
        if (auth === 'basic') assert.equal((wrong as Response).status, 401);
        else assert.match(String(wrong), /token server said 401/);
        const ok = await registryGet(r, path, { accept: MANIFEST_ACCEPT, credentials: r.credentials });
        assert.equal(ok.status, 200);
        assert.equal(ok.headers.get('docker-content-digest'), img.manifestDigest);
        await ok.arrayBuffer();
        if (auth === 'token') {
          const granted = r.tokenRequests.filter((t) => t.status === 200 && t.account === 'keyspill');
          assert.ok(
            granted.some((t) => t.granted.some((g) => g.actions.includes('push'))),
            'skopeo got push',
          );
          assert.ok(r.requests.some((q) => q.authorization === 'bearer' && q.status === 200));
        }
      } finally {
        await r.stop();
      }
    });
  }
});
