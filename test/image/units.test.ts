// Pure parts of `scan image`: references, platforms, whiteouts and visibility, challenges, Retry-After, config fields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFields, layerHistory } from '../../src/sources/image/config-fields.ts';
import { parseCreds } from '../../src/sources/image/credentials.ts';
import { noEngine } from '../../src/sources/image/daemon.ts';
import { parseManifest, parsePlatform, platformMatches } from '../../src/sources/image/manifest.ts';
import { formatImageRef, parseImageRef } from '../../src/sources/image/reference.ts';
import { parseChallenge, retryAfterMs } from '../../src/sources/image/registry.ts';
import {
  addEntry,
  emptyLayerPaths,
  entryRole,
  hiddenBy,
  normaliseEntryPath,
  type LayerPaths,
} from '../../src/sources/image/whiteout.ts';

const D = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  const cases: [string, string][] = [
    ['alpine', 'docker://docker.io/library/alpine:latest'],
    ['alpine:3.20', 'docker://docker.io/library/alpine:3.20'],
    ['team/app:1', 'docker://docker.io/team/app:1'],
    ['docker://ghcr.io/acme/api:1.4.2', 'docker://ghcr.io/acme/api:1.4.2'],
    ['localhost/app', 'docker://localhost/app:latest'],
    ['127.0.0.1:5000/keyspill/leaky:1', 'docker://127.0.0.1:5000/keyspill/leaky:1'],
    [`docker://registry.internal:5000/a/b/c@${D}`, `docker://registry.internal:5000/a/b/c@${D}`],
    [`docker://index.docker.io/library/busybox:1`, 'docker://docker.io/library/busybox:1'],
    ['oci:build/layout', 'oci:build/layout'],
    ['oci:build/layout:1.0', 'oci:build/layout:1.0'],
    ['oci:/abs/layout:@2', 'oci:/abs/layout:@2'],
    ['oci-archive:app.tar:v1', 'oci-archive:app.tar:v1'],
    ['docker-archive:app.tar', 'docker-archive:app.tar'],
    ['docker-archive:app.tar:example/app:1', 'docker-archive:app.tar:example/app:1'],
    ['docker-archive:app.tar:@1', 'docker-archive:app.tar:@1'],
    ['docker-daemon:app:dev', 'docker-daemon:app:dev'],
  ];
  for (const [input, expected] of cases)
    it(`${input} → ${expected}`, () => assert.equal(formatImageRef(parseImageRef(input)), expected));

  it('keeps tag and digest apart, and the repository in Docker Hub form', () => {
    assert.deepEqual(parseImageRef(`team/app:1@${D}`), {
      transport: 'docker',
      registry: 'docker.io',
      repository: 'team/app',
      tag: '1',
      digest: D,
    });
  });

  for (const bad of ['docker://', 'Upper/Case:1', `app@sha256:nothex`, 'dir:/tmp/x', 'oci:', 'app:bad tag'])
    it(`refuses "${bad}" with a usage error naming it`, () => {
      assert.throws(
        () => parseImageRef(bad),
        (e: Error & { exitCode?: number }) => e.exitCode === 2 && e.message.includes(bad.slice(0, 10)),
      );
    });
});

describe('platforms', () => {
  it('parses and matches, a missing variant accepting any', () => {
    assert.ok(platformMatches(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' }));
    assert.ok(
      platformMatches(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    );
    assert.ok(platformMatches(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' }));
    assert.ok(
      !platformMatches(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v6' }),
    );
    assert.ok(!platformMatches(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'arm64' }));
    assert.ok(platformMatches(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' }));
    assert.throws(() => parsePlatform('amd64'), /os\/arch/);
  });
});

describe('whiteouts and visibility', () => {
  function layer(entries: string[]): LayerPaths {
    const l = emptyLayerPaths();
    for (const e of entries) addEntry(l, normaliseEntryPath(e), e.endsWith('/') ? 'dir' : 'file');
    return l;
  }

  it('reads entry names as skopeo, Docker and umoci write them', () => {
    assert.equal(normaliseEntryPath('./app//.env'), 'app/.env');
    assert.equal(normaliseEntryPath('/etc/passwd'), 'etc/passwd');
    assert.equal(normaliseEntryPath('../../x'), '../../x');
    assert.deepEqual(entryRole('app/.wh..env'), { role: 'whiteout', path: 'app/.env' });
    assert.deepEqual(entryRole('etc/conf/.wh..wh..opq'), { role: 'opaque', dir: 'etc/conf' });
    assert.deepEqual(entryRole('.wh..wh..plnk'), { role: 'meta' });
    assert.deepEqual(entryRole('.wh.top'), { role: 'whiteout', path: 'top' });
  });

  const layers = [
    layer(['app/', 'app/.env', 'app/keep', 'etc/conf/', 'etc/conf/a', 'srv/', 'srv/data/x', 'opt/tool']),
    layer(['app/', 'app/.wh..env', 'app/keep', 'srv/.wh.data']),
    layer(['etc/conf/', 'etc/conf/.wh..wh..opq', 'etc/conf/c']),
    layer(['opt/tool/', 'opt/tool/bin']),
  ];
  const cases: [number, string, ReturnType<typeof hiddenBy>][] = [
    [0, 'app/.env', { layer: 1, how: 'deleted' }],
    [0, 'app/keep', { layer: 1, how: 'overwritten' }],
    [0, 'srv/data/x', { layer: 1, how: 'deleted' }],
    [0, 'etc/conf/a', { layer: 2, how: 'deleted' }],
    [2, 'etc/conf/c', undefined],
    [0, 'opt/tool', { layer: 3, how: 'overwritten' }],
    [1, 'app/keep', undefined],
    [0, 'nowhere/else', undefined],
  ];
  for (const [i, path, expected] of cases)
    it(`layer ${i + 1} ${path} → ${expected === undefined ? 'visible' : `${expected.how} by layer ${expected.layer + 1}`}`, () =>
      assert.deepEqual(hiddenBy(layers, i, path), expected));

  it('an opaque root hides every lower file', () => {
    assert.deepEqual(hiddenBy([layer(['a/b']), layer(['.wh..wh..opq'])], 0, 'a/b'), {
      layer: 1,
      how: 'deleted',
    });
  });

  it('a file put where a lower folder was overwrites what was under it', () => {
    assert.deepEqual(hiddenBy([layer(['a/', 'a/b']), layer(['a'])], 0, 'a/b'), {
      layer: 1,
      how: 'overwritten',
    });
  });
});

describe('registry protocol details', () => {
  it('parses WWW-Authenticate challenges', () => {
    assert.deepEqual(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      ),
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/alpine:pull',
        },
      },
    );
    assert.deepEqual(parseChallenge('Basic realm="keyspill-test-registry"'), {
      scheme: 'basic',
      params: { realm: 'keyspill-test-registry' },
    });
    assert.equal(parseChallenge('Bearer realm=x,error=invalid_token')?.params['error'], 'invalid_token');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4000), 6000);
    assert.equal(retryAfterMs(null), undefined);
    assert.equal(retryAfterMs('soon'), undefined);
  });

  it('tells a missing Docker engine from other docker failures', () => {
    assert.ok(
      noEngine(
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      ),
    );
    assert.ok(!noEngine('Error response from daemon: reference does not exist'));
  });

  it('--creds needs USER:PASS and never repeats the value', () => {
    assert.deepEqual(parseCreds('bot:pa:ss'), { username: 'bot', password: 'pa:ss' });
    assert.throws(
      () => parseCreds('hunter2'),
      (e: Error) => !e.message.includes('hunter2') && /USER:PASS/.test(e.message),
    );
  });

  it('refuses schema 1 manifests and non-manifests with a clear message', () => {
    const v1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'x', fsLayers: [] }));
    assert.throws(() => parseManifest(v1, undefined, 'm'), /schema 1/);
    assert.throws(() => parseManifest(Buffer.from('hello'), undefined, 'm'), /not valid JSON/);
    assert.throws(() => parseManifest(Buffer.from('{"a":1}'), undefined, 'm'), /not an image manifest/);
  });
});

describe('config fields', () => {
  it('turns Env, Labels, Cmd, Entrypoint and history into text, and maps history to layers', () => {
    const config = {
      created: '2024-01-01T00:00:00Z',
      config: { Env: ['A=1', 'B=2'], Labels: { team: 'x' }, Cmd: ['sh', '-c', 'run'], Entrypoint: ['/init'] },
      history: [
        { created: '2024-01-02T00:00:00Z', created_by: 'COPY . /app' },
        { created: '2024-01-03T00:00:00Z', created_by: 'ARG TOKEN=abc', empty_layer: true },
        { created: '2024-01-04T00:00:00Z', created_by: 'RUN rm /app/.env' },
      ],
    };
    assert.deepEqual(
      configFields(config).map((f) => [f.field, f.text, f.created]),
      [
        ['config.Env', 'A=1\nB=2\n', '2024-01-01T00:00:00Z'],
        ['config.Labels', 'team=x\n', '2024-01-01T00:00:00Z'],
        ['config.Cmd', 'sh -c run\n', '2024-01-01T00:00:00Z'],
        ['config.Entrypoint', '/init\n', '2024-01-01T00:00:00Z'],
        ['history[0].created_by', 'COPY . /app\n', '2024-01-02T00:00:00Z'],
        ['history[1].created_by', 'ARG TOKEN=abc\n', '2024-01-03T00:00:00Z'],
        ['history[2].created_by', 'RUN rm /app/.env\n', '2024-01-04T00:00:00Z'],
      ],
    );
    assert.deepEqual(layerHistory(config, 2), [
      { createdBy: 'COPY . /app', created: '2024-01-02T00:00:00Z' },
      { createdBy: 'RUN rm /app/.env', created: '2024-01-04T00:00:00Z' },
    ]);
    assert.deepEqual(layerHistory(config, 3), [undefined, undefined, undefined]);
  });
});
