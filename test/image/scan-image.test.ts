// `keyspill scan image` end to end on real images (umoci, skopeo): layers, whiteouts, config, archives, platforms.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import {
  buildImage,
  MEDIA,
  recompress,
  rewriteLayer,
  stripTarEnd,
  toDockerArchive,
  toOciArchive,
  writeIndex,
  type OciImage,
} from '../helpers/image-build.ts';
import { ensureImageTools } from '../helpers/image-tools.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { assertValidReport } from '../helpers/schema.ts';
import { tempDir } from '../helpers/tmp.ts';
import { zip } from '../helpers/archives.ts';
import { token } from './tokens.ts';

const T = {
  deleted: token('deleted'),
  overwritten: token('overwritten'),
  opaque: token('opaque'),
  visible: token('visible'),
  env: token('env'),
  label: token('label'),
  history: token('history'),
  amd: token('amd64'),
  arm: token('arm64'),
  shared: token('shared'),
  app1: token('app1'),
  app2: token('app2'),
  noEof: token('no-eof'),
  insert: token('insert'),
  jar: token('jar'),
  gz: token('gz'),
  late: token('late'),
};

interface Layer {
  index: number;
  digest: string;
  diffId: string | null;
  createdBy: string | null;
  created: string | null;
}
interface ImageProv {
  kind: 'image';
  image: string;
  manifestDigest: string;
  platform: string | null;
  configDigest: string;
  target:
    | {
        type: 'layer';
        path: string;
        layer: Layer;
        layers: number;
        visibility: string;
        hiddenBy: Layer | null;
      }
    | { type: 'config'; field: string; created: string | null };
}
interface Report {
  findings: {
    fingerprint: string;
    secret?: string;
    locations: { path: string; line: number; provenance: ImageProv }[];
  }[];
  summary: {
    itemsScanned: number;
    bytesScanned: number;
    incomplete: boolean;
    notes: string[];
    skipped: Record<string, number>;
    skippedItems: { path: string; reason: string; detail?: string }[];
  };
}

const work = tempDir('keyspill-scan-image-');
const run = (args: string[]): CliResult => runCli(args, { cwd: work });

function report(r: CliResult): Report {
  const parsed = JSON.parse(r.stdout) as Report;
  assertValidReport(parsed);
  return parsed;
}

/** The locations of the finding whose secret is `secret` (the report is run with --show-secrets). */
function where(rep: Report, secret: string): { path: string; p: ImageProv }[] {
  const f = rep.findings.find((x) => x.secret === secret);
  return f === undefined ? [] : f.locations.map((l) => ({ path: l.path, p: l.provenance }));
}

/** What must not change between transports and compressions: path, visibility, layer and hiding layer. */
function shape(rep: Report): string[] {
  return rep.findings
    .flatMap((f) =>
      f.locations.map((l) => {
        const t = l.provenance.target;
        return t.type === 'config'
          ? `${f.secret!.slice(0, 10)} ${t.field}`
          : `${f.secret!.slice(0, 10)} ${t.path} L${t.layer.index} ${t.visibility} ${t.hiddenBy?.index ?? '-'} ${t.layer.createdBy ?? '?'}`;
      }),
    )
    .sort();
}

describe('scan image on local transports', () => {
  const layout = join(work, 'layout');
  let leaky: OciImage;

  before(async () => {
    ensureImageTools();
    leaky = await buildImage({
      layout,
      tag: 'leaky',
      layers: [
        {
          files: {
            'app/.env': `GITHUB_TOKEN=${T.deleted}\n`,
            'app/settings.ini': `[gh]\ntoken = ${T.overwritten}\n`,
            'etc/conf/a': `key ${T.opaque}\n`,
            'app/main.js': 'console.log(1);\n',
          },
          createdBy: 'COPY . /app',
          created: '2024-01-02T03:04:05Z',
        },
        {
          delete: ['app/.env'],
          files: { 'app/settings.ini': '[gh]\ntoken = from-vault\n' },
          createdBy: 'RUN rm /app/.env',
          created: '2024-01-03T03:04:05Z',
        },
        {
          opaque: 'etc/conf',
          files: { 'etc/conf/c': 'clean\n' },
          createdBy: 'COPY conf/ /etc/conf/',
          created: '2024-01-04T03:04:05Z',
        },
        {
          files: { 'app/visible.txt': `GH=${T.visible}\n` },
          createdBy: 'COPY visible.txt /app/',
          created: '2024-01-05T03:04:05Z',
        },
      ],
      config: {
        env: { API_TOKEN: T.env, PATH: '/usr/bin' },
        labels: { 'org.example.token': T.label },
        cmd: ['node', 'app/main.js'],
        created: '2024-01-07T00:00:00Z',
        createdBy: `ARG GH_TOKEN=${T.history}`,
        historyCreated: '2024-01-06T00:00:00Z',
      },
    });
  });

  it('reports a whiteout-deleted secret as recoverable, with its layer digest and the instruction that made it', () => {
    const r = run(['scan', 'image', `oci:${layout}:leaky`, '-f', 'json', '--show-secrets']);
    assert.equal(r.code, 1, r.stderr);
    const rep = report(r);
    const [del] = where(rep, T.deleted);
    assert.ok(del, 'the deleted secret is a finding');
    assert.equal(del.path, 'app/.env');
    assert.equal(del.p.image, `oci:${layout}:leaky`);
    assert.equal(del.p.manifestDigest, leaky.manifestDigest);
    assert.equal(del.p.configDigest, leaky.configDigest);
    assert.equal(del.p.platform, 'linux/amd64');
    assert.deepEqual(del.p.target, {
      type: 'layer',
      path: 'app/.env',
      layer: {
        index: 1,
        digest: leaky.layers[0]!.digest,
        diffId: leaky.layers[0]!.diffId,
        createdBy: 'COPY . /app',
        created: '2024-01-02T03:04:05Z',
      },
      layers: 4,
      visibility: 'deleted',
      hiddenBy: {
        index: 2,
        digest: leaky.layers[1]!.digest,
        diffId: leaky.layers[1]!.diffId,
        createdBy: 'RUN rm /app/.env',
        created: '2024-01-03T03:04:05Z',
      },
    });
  });

  it('tells overwritten, opaque-deleted and visible files apart', () => {
    const rep = report(run(['scan', 'image', `oci:${layout}:leaky`, '-f', 'json', '--show-secrets']));
    const t = (secret: string) => {
      const [l] = where(rep, secret);
      assert.ok(l && l.p.target.type === 'layer', secret);
      return [l.path, l.p.target.visibility, l.p.target.layer.index, l.p.target.hiddenBy?.index ?? null];
    };
    assert.deepEqual(t(T.overwritten), ['app/settings.ini', 'overwritten', 1, 2]);
    assert.deepEqual(t(T.opaque), ['etc/conf/a', 'deleted', 1, 3]);
    assert.deepEqual(t(T.visible), ['app/visible.txt', 'visible', 4, null]);
  });

  it('scans the config: Env, Labels and the history line where a build argument landed', () => {
    const rep = report(run(['scan', 'image', `oci:${layout}:leaky`, '-f', 'json', '--show-secrets']));
    const field = (secret: string) => where(rep, secret).map((l) => [l.path, l.p.target]);
    assert.deepEqual(field(T.env), [
      ['config.Env', { type: 'config', field: 'config.Env', created: '2024-01-07T00:00:00Z' }],
    ]);
    assert.deepEqual(field(T.label), [
      ['config.Labels', { type: 'config', field: 'config.Labels', created: '2024-01-07T00:00:00Z' }],
    ]);
    assert.deepEqual(field(T.history), [
      [
        'history[4].created_by',
        { type: 'config', field: 'history[4].created_by', created: '2024-01-06T00:00:00Z' },
      ],
    ]);
  });

  it('text report: "deleted in layer N but still recoverable from layer M", rebuild-and-rotate advice, no secret in clear', () => {
    const r = run(['scan', 'image', `oci:${layout}:leaky`]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      /app\/\.env:1:14 {2}\(deleted in layer 2 but still recoverable from layer 1: anyone with the image can read it\)/,
    );
    assert.match(r.stdout, /in layer 1 of 4 sha256:[0-9a-f]{12}, created 2024-01-02 by: COPY \. \/app/);
    assert.match(
      r.stdout,
      /deleted by layer 2 sha256:[0-9a-f]{12}, created 2024-01-03 by: RUN rm \/app\/\.env/,
    );
    assert.match(r.stdout, /app\/visible\.txt:1:4 {2}\(visible in the final image\)/);
    assert.match(r.stdout, /Rebuild the image without the secret and rotate it/);
    assert.match(r.stdout, /in the image history \(a build step\)/);
    for (const secret of Object.values(T))
      assert.ok(!r.stdout.includes(secret), `${secret} printed in clear`);
  });

  it('SARIF and CSV carry image, manifest digest, platform, layer index and digest, created_by and visibility', () => {
    const sarif = JSON.parse(run(['scan', 'image', `oci:${layout}:leaky`, '-f', 'sarif']).stdout) as {
      runs: {
        results: {
          locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
          properties?: Record<string, unknown>;
        }[];
      }[];
    };
    const env = sarif.runs[0]!.results.find(
      (x) => x.locations[0]!.physicalLocation.artifactLocation.uri === 'app/.env',
    );
    assert.ok(env);
    assert.equal(env.locations[0]!.physicalLocation.artifactLocation.uriBaseId, undefined);
    assert.deepEqual(env.properties, {
      image: `oci:${layout}:leaky`,
      manifestDigest: leaky.manifestDigest,
      platform: 'linux/amd64',
      layerIndex: 1,
      layerDigest: leaky.layers[0]!.digest,
      diffId: leaky.layers[0]!.diffId,
      createdBy: 'COPY . /app',
      created: '2024-01-02T03:04:05Z',
      visibility: 'deleted',
      hiddenByLayerIndex: 2,
      hiddenByLayerDigest: leaky.layers[1]!.digest,
      // Every result says how sure it is and why it fired.
      confidence: 'high',
      field: 'GITHUB_TOKEN',
      why: env.properties?.['why'],
    });
    assert.match(
      String(env.properties?.['why']),
      /^rule github-pat, field GITHUB_TOKEN, entropy \d\.\d\d bits\/char$/,
    );
    const csv = run(['scan', 'image', `oci:${layout}:leaky`, '-f', 'csv']).stdout.split('\r\n');
    const header = csv[0]!.split(',');
    const row = csv.find((l) => l.includes(',app/.env,'))!.split(',');
    const cell = (name: string): string => row[header.indexOf(name)]!;
    assert.equal(cell('provenance'), 'image');
    assert.equal(cell('image'), `oci:${layout}:leaky`);
    assert.equal(cell('manifestDigest'), leaky.manifestDigest);
    assert.equal(cell('platform'), 'linux/amd64');
    assert.equal(cell('layerIndex'), '1');
    assert.equal(cell('layerDigest'), leaky.layers[0]!.digest);
    assert.equal(cell('createdBy'), 'COPY . /app');
    assert.equal(cell('visibility'), 'deleted in layer 2');
  });

  it('finds the same things in uncompressed and zstd layers, a docker-archive and an oci-archive', async () => {
    const base = shape(report(run(['scan', 'image', `oci:${layout}:leaky`, '-f', 'json', '--show-secrets'])));
    assert.equal(base.length, 7);
    const plain = await recompress(leaky, 'none', join(work, 'plain'));
    const zstd = await recompress(leaky, 'zstd', join(work, 'zstd'));
    assert.ok(plain.layers.every((l) => l.mediaType === MEDIA.layerTar));
    assert.ok(zstd.layers.every((l) => l.mediaType === MEDIA.layerZstd));
    const dockerArchive = await toDockerArchive(leaky, join(work, 'leaky-docker.tar'), 'example/leaky:1');
    const ociArchive = await toOciArchive(leaky, join(work, 'leaky-oci.tar'));
    for (const ref of [
      `oci:${plain.layout}:leaky`,
      `oci:${zstd.layout}:leaky`,
      `docker-archive:${dockerArchive}`,
      `docker-archive:${dockerArchive}:example/leaky:1`,
      `oci-archive:${ociArchive}:leaky`,
      `oci-archive:${ociArchive}`,
    ]) {
      const r = run(['scan', 'image', ref, '-f', 'json', '--show-secrets']);
      assert.equal(r.code, 1, `${ref}: ${r.stderr}`);
      const rep = report(r);
      assert.deepEqual(shape(rep), base, ref);
      assert.equal(rep.summary.incomplete, false, ref);
    }
    const da = report(
      run(['scan', 'image', `docker-archive:${dockerArchive}`, '-f', 'json', '--show-secrets']),
    );
    const [l] = where(da, T.deleted);
    assert.equal(l!.p.image, `docker-archive:${dockerArchive}:docker.io/example/leaky:1`);
    // A docker save archive has no manifest: its image ID (the config digest) names it.
    assert.equal(l!.p.manifestDigest, leaky.configDigest);
  });

  it('reads both docker save layouts: Docker ≥ 25 (OCI blobs, here gzip layers) and the legacy <id>/layer.tar one', async () => {
    const base = shape(report(run(['scan', 'image', `oci:${layout}:leaky`, '-f', 'json', '--show-secrets'])));
    // Docker ≥ 25: an OCI layout plus manifest.json naming blobs/sha256/… (here the layers stay gzip).
    const modern = join(work, 'modern');
    cpSync(layout, modern, { recursive: true });
    const blob = (d: string): string => `blobs/sha256/${d.slice('sha256:'.length)}`;
    writeFileSync(
      join(modern, 'manifest.json'),
      JSON.stringify([
        {
          Config: blob(leaky.configDigest),
          RepoTags: ['example/leaky:2'],
          Layers: leaky.layers.map((l) => blob(l.digest)),
        },
      ]),
    );
    const modernTar = join(work, 'modern.tar');
    assert.equal(spawnSync('tar', ['-cf', modernTar, '-C', modern, '.']).status, 0);
    // Legacy (Docker < 25): each layer a real file at <id>/layer.tar (skopeo writes those as symlinks: undo that).
    const legacyDir = join(work, 'legacy');
    mkdirSync(legacyDir);
    const skopeoTar = await toDockerArchive(leaky, join(work, 'legacy-src.tar'), 'example/leaky:3');
    assert.equal(spawnSync('tar', ['-xf', skopeoTar, '-C', legacyDir]).status, 0);
    const manifest = JSON.parse(readFileSync(join(legacyDir, 'manifest.json'), 'utf8')) as {
      Layers: string[];
    }[];
    const byTarget = new Map<string, string>();
    for (const e of readdirSync(legacyDir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const link = join(legacyDir, e.name, 'layer.tar');
      const target = readlinkSync(link).replace(/^\.\.\//, '');
      rmSync(link);
      renameSync(join(legacyDir, target), link);
      byTarget.set(target, `${e.name}/layer.tar`);
    }
    manifest[0]!.Layers = manifest[0]!.Layers.map((l) => byTarget.get(l)!);
    writeFileSync(join(legacyDir, 'manifest.json'), JSON.stringify(manifest));
    const legacyTar = join(work, 'legacy.tar');
    assert.equal(spawnSync('tar', ['-cf', legacyTar, '-C', legacyDir, '.']).status, 0);
    for (const [tar, name] of [
      [modernTar, 'example/leaky:2'],
      [legacyTar, 'docker.io/example/leaky:3'],
    ] as const) {
      const r = run(['scan', 'image', `docker-archive:${tar}`, '-f', 'json', '--show-secrets']);
      assert.equal(r.code, 1, r.stderr);
      const rep = report(r);
      assert.deepEqual(shape(rep), base, tar);
      assert.equal(rep.summary.incomplete, false);
      const [l] = where(rep, T.deleted);
      assert.equal(l!.p.image, `docker-archive:${tar}:${name}`);
      // Docker ≥ 25 archives carry index.json, so the manifest digest is known; legacy ones only the image ID.
      assert.equal(l!.p.manifestDigest, tar === modernTar ? leaky.manifestDigest : leaky.configDigest);
    }
  });

  it('a multi-platform index: linux/amd64 by default, --platform picks another, --all-platforms scans each', async () => {
    const amd = await buildImage({
      layout,
      tag: 'amd',
      layers: [{ files: { 'etc/token': `${T.amd}\n` } }],
      config: { architecture: 'amd64', os: 'linux' },
    });
    const arm = await buildImage({
      layout,
      tag: 'arm',
      layers: [{ files: { 'etc/token': `${T.arm}\n` } }],
      config: { architecture: 'arm64', os: 'linux' },
    });
    const index = writeIndex({ layout, tag: 'multi', images: [amd, arm] });
    const secrets = (args: string[]) => {
      const r = run(['scan', 'image', ...args, '-f', 'json', '--show-secrets']);
      assert.equal(r.code, 1, r.stderr);
      return report(r).findings.flatMap((f) =>
        f.locations.map((l) => [f.secret, l.provenance.platform, l.provenance.manifestDigest]),
      );
    };
    assert.deepEqual(secrets([`oci:${layout}:multi`]), [[T.amd, 'linux/amd64', amd.manifestDigest]]);
    assert.deepEqual(secrets([`oci:${layout}:multi`, '--platform', 'linux/arm64']), [
      [T.arm, 'linux/arm64', arm.manifestDigest],
    ]);
    assert.deepEqual(
      secrets([`oci:${layout}:multi`, '--all-platforms']).sort(),
      [
        [T.amd, 'linux/amd64', amd.manifestDigest],
        [T.arm, 'linux/arm64', arm.manifestDigest],
      ].sort(),
    );
    const archive = await toOciArchive(index, join(work, 'multi.tar'));
    assert.equal(secrets([`oci-archive:${archive}:multi`, '--all-platforms']).length, 2);
    const missing = run(['scan', 'image', `oci:${layout}:multi`, '--platform', 'linux/s390x']);
    assert.equal(missing.code, 3);
    assert.match(
      missing.stderr,
      /multi-platform index without linux\/s390x: it has linux\/amd64, linux\/arm64/,
    );
    assert.match(
      missing.stderr,
      /fix: pick one with --platform linux\/amd64, or scan every platform with --all-platforms/,
    );
  });

  it("reads a layer whose tar has no end-of-archive blocks, and umoci insert's unterminated tar", async () => {
    const img = await buildImage({ layout, tag: 'eof', layers: [{ files: { 'srv/key': `${T.noEof}\n` } }] });
    rewriteLayer(img, 0, stripTarEnd, 'noeof');
    await buildImage({
      layout,
      tag: 'rawinsert',
      layers: [
        { files: { 'srv/base': 'x\n' } },
        { opaque: 'opt/app', files: { 'opt/app/key': `${T.insert}\n` } },
      ],
      rawInsertTar: true,
    });
    for (const [tag, secret] of [
      ['noeof', T.noEof],
      ['rawinsert', T.insert],
    ] as const) {
      const r = run(['scan', 'image', `oci:${layout}:${tag}`, '-f', 'json', '--show-secrets']);
      assert.equal(r.code, 1, `${tag}: ${r.stderr}`);
      const rep = report(r);
      assert.equal(rep.summary.incomplete, false, `${tag}: ${JSON.stringify(rep.summary)}`);
      assert.equal(where(rep, secret).length, 1, tag);
    }
  });

  it('two images sharing a layer: the layer is scanned once and the finding names both images', async () => {
    await buildImage({
      layout,
      tag: 'base',
      layers: [{ files: { 'usr/share/base.env': `BASE=${T.shared}\n` } }],
    });
    await buildImage({
      layout,
      tag: 'app1',
      from: 'base',
      layers: [{ files: { 'app/one': `${T.app1}\n` } }],
    });
    await buildImage({
      layout,
      tag: 'app2',
      from: 'base',
      layers: [{ files: { 'app/two': `${T.app2}\n` } }],
    });
    const one = report(run(['scan', 'image', `oci:${layout}:app1`, '-f', 'json', '--show-secrets']));
    const two = report(run(['scan', 'image', `oci:${layout}:app2`, '-f', 'json', '--show-secrets']));
    const both = report(
      run(['scan', 'image', `oci:${layout}:app1`, `oci:${layout}:app2`, '-f', 'json', '--show-secrets']),
    );
    const shared = where(both, T.shared);
    assert.deepEqual(shared.map((l) => l.p.image).sort(), [`oci:${layout}:app1`, `oci:${layout}:app2`]);
    assert.equal(
      new Set(shared.map((l) => (l.p.target.type === 'layer' ? l.p.target.layer.digest : ''))).size,
      1,
    );
    const baseBytes = `BASE=${T.shared}\n`.length;
    assert.equal(both.summary.bytesScanned, one.summary.bytesScanned + two.summary.bytesScanned - baseBytes);
    assert.equal(both.summary.itemsScanned, one.summary.itemsScanned + two.summary.itemsScanned - 1);
    assert.ok(
      both.summary.notes.some((n) => /1 layer appears in more than one image .* scanned once/.test(n)),
      both.summary.notes.join('\n'),
    );
    assert.equal(where(both, T.app1).length, 1);
    assert.equal(where(both, T.app2).length, 1);
  });

  it('archives inside a layer (a .jar, a .gz) are opened as scan dir opens them, and large files windowed', async () => {
    await buildImage({
      layout,
      tag: 'nested',
      layers: [
        {
          files: {
            'app/lib/app.jar': zip({ 'META-INF/app.properties': `github.token=${T.jar}\n` }),
            'usr/share/doc/notes.gz': gzipSync(`token ${T.gz}\n`),
            'var/log/big.log': `${'x'.repeat(40)}\n`.repeat(600_000) + `late ${T.late}\n`,
          },
        },
      ],
    });
    const r = run(['scan', 'image', `oci:${layout}:nested`, '-f', 'json', '--show-secrets']);
    assert.equal(r.code, 1, r.stderr);
    const rep = JSON.parse(r.stdout) as {
      findings: { secret: string; locations: { path: string; member?: string; line: number }[] }[];
    };
    const at = (secret: string) => rep.findings.find((f) => f.secret === secret)?.locations[0];
    assert.deepEqual([at(T.jar)?.path, at(T.jar)?.member], ['app/lib/app.jar', 'META-INF/app.properties']);
    assert.equal(at(T.gz)?.path, 'usr/share/doc/notes.gz');
    assert.deepEqual([at(T.late)?.path, at(T.late)?.line], ['var/log/big.log', 600_001]);
  });

  it('baselines, --max-file-size and the exit codes work as for other sources', async () => {
    await buildImage({
      layout,
      tag: 'big',
      layers: [{ files: { 'data/big.txt': `${'x'.repeat(2_000_000)}\n`, 'data/small.txt': 'nothing\n' } }],
    });
    const big = run(['scan', 'image', `oci:${layout}:big`, '--max-file-size', '1MB', '-f', 'json']);
    assert.equal(big.code, 0, big.stderr);
    const rep = report(big);
    assert.equal(rep.summary.skipped['too-large'], 1);
    assert.equal(rep.summary.skippedItems[0]!.path, 'data/big.txt');
    assert.match(
      rep.summary.skippedItems[0]!.detail!,
      new RegExp(`^oci:${layout}:big layer 1/1 sha256:[0-9a-f]{12}: 2000001 bytes > --max-file-size 1000000`),
    );
    const baseline = join(work, 'baseline.json');
    run(['scan', 'image', `oci:${layout}:leaky`, '--write-baseline', baseline]);
    assert.ok(existsSync(baseline));
    const again = run(['scan', 'image', `oci:${layout}:leaky`, '--baseline', baseline]);
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /No leaks found/);
    const ignore = join(work, '.keyspillignore');
    const fps = JSON.parse(readFileSync(baseline, 'utf8')) as
      { findings?: { fingerprint: string }[] } | { fingerprint: string }[];
    const list = Array.isArray(fps) ? fps : (fps.findings ?? []);
    writeFileSync(ignore, `${list.map((f) => f.fingerprint).join('\n')}\n`);
    assert.equal(run(['scan', 'image', `oci:${layout}:leaky`]).code, 0);
  });
});
