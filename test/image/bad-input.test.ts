// `scan image` on broken input: truncation, bombs, hostile names, links, missing blobs, digest mismatches, non-images.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import {
  blobPath,
  buildImage,
  inspectImage,
  rewriteLayer,
  toDockerArchive,
  toOciArchive,
  type OciImage,
} from '../helpers/image-build.ts';
import { ensureImageTools } from '../helpers/image-tools.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { token } from './tokens.ts';

const T = {
  base: token('bad-base'),
  names: token('bad-names'),
  abs: token('bad-abs'),
  link: token('bad-link'),
  tampered: token('bad-tampered'),
};

interface Report {
  findings: {
    secret?: string;
    locations: { path: string; provenance: { target: { visibility?: string } } }[];
  }[];
  summary: {
    incomplete: boolean;
    notes: string[];
    skipped: Record<string, number>;
    skippedItems: { path: string; reason: string; detail?: string }[];
  };
}

const work = tempDir('keyspill-image-bad-');
const run = (args: string[], env?: Record<string, string>): CliResult =>
  runCli(['scan', 'image', ...args], { cwd: work, ...(env === undefined ? {} : { env }) });
const json = (r: CliResult): Report => JSON.parse(r.stdout) as Report;
const secretsOf = (rep: Report): string[] => rep.findings.map((f) => f.secret!).sort();

/** A tar written entry by entry (names, links and all, exactly as given). */
async function tarOf(
  entries: {
    name: string;
    type?: 'file' | 'symlink' | 'link' | 'directory';
    linkname?: string;
    body?: string;
  }[],
): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const e of entries) {
    const header = {
      name: e.name,
      type: e.type ?? 'file',
      ...(e.linkname === undefined ? {} : { linkname: e.linkname }),
    };
    if ((e.type ?? 'file') === 'file') p.entry(header, e.body ?? '');
    else p.entry(header);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A copy of a layout, to break without touching the original. */
function copyLayout(img: OciImage, name: string): OciImage {
  const to = join(work, name);
  cpSync(img.layout, to, { recursive: true });
  return inspectImage(to, img.tag);
}

describe('scan image on bad input', () => {
  const layout = join(work, 'layout');
  let good: OciImage;

  before(async () => {
    ensureImageTools();
    good = await buildImage({
      layout,
      tag: 'good',
      layers: [
        { files: { 'app/.env': `TOKEN=${T.base}\n`, 'app/pad.txt': 'lorem ipsum\n'.repeat(2000) } },
        { files: { 'app/other.txt': 'nothing here\n' } },
      ],
    });
  });

  it('a truncated docker-archive or oci-archive: says the file was cut short (exit 3)', async () => {
    const da = await toDockerArchive(good, join(work, 'good-docker.tar'));
    const oa = await toOciArchive(good, join(work, 'good-oci.tar'));
    for (const [transport, file] of [
      ['docker-archive', da],
      ['oci-archive', oa],
    ] as const) {
      const size = readFileSync(file).length;
      // Cut inside a layer, and a few bytes before the end (inside the last member or its padding).
      for (const at of [Math.floor(size * 0.3), Math.floor(size * 0.7)]) {
        const cut = `${file}.cut`;
        cpSync(file, cut);
        truncateSync(cut, at);
        const r = run([`${transport}:${cut}`]);
        assert.equal(r.code, 3, r.stdout);
        assert.match(
          r.stderr,
          new RegExp(`${transport}:${cut}: .*truncated: it ends inside .* at byte \\d+`),
          r.stderr,
        );
        assert.match(r.stderr, /fix: .*again/);
      }
      // Cut in the last member (`repositories`, `oci-layout`) or its padding: everything needed is there.
      const cut = `${file}.cut`;
      cpSync(file, cut);
      truncateSync(cut, size - 1030);
      const r = run([`${transport}:${cut}`, '-f', 'json']);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(
        json(r).summary.notes.some((n) =>
          /the archive is truncated \(it ends inside .* at byte \d+\)/.test(n),
        ),
      );
    }
  });

  it('a truncated gzip layer: the layer is named, what it held up to the cut is scanned, the scan is incomplete', () => {
    const img = copyLayout(good, 'truncated-gzip');
    const blob = img.layers[0]!.path;
    truncateSync(blob, Math.floor(readFileSync(blob).length / 2));
    const r = run([`oci:${img.layout}:good`, '-f', 'json']);
    assert.ok(r.code === 1 || r.code === 3, r.stderr);
    const rep = json(r);
    assert.equal(rep.summary.incomplete, true);
    const skip = rep.summary.skippedItems.find((s) => s.reason === 'corrupt')!;
    assert.equal(skip.path, `oci:${img.layout}:good layer 1/2 ${img.layers[0]!.digest.slice(0, 19)}`);
    assert.match(skip.detail!, /^truncated gzip stream \(unexpected end of file\); scanned up to there$/);
    const text = run([`oci:${img.layout}:good`]);
    assert.match(text.stdout, /Scan incomplete/);
  });

  it('a gzip bomb: a huge file is skipped and counted; past --max-layer-size the layer is cut, with a note, exit 3', async () => {
    const big = 64 * 1024 * 1024;
    const bomb = await buildImage({ layout, tag: 'bomb-base', layers: [{ files: { x: 'x' } }] });
    const zeros = Buffer.alloc(big);
    const tar = await (async () => {
      const p = pack();
      const chunks: Buffer[] = [];
      p.on('data', (c: unknown) => chunks.push(c as Buffer));
      const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
      p.entry({ name: 'var/bomb', size: big }, zeros);
      p.finalize();
      await done;
      return Buffer.concat(chunks);
    })();
    const img = rewriteLayer(bomb, 0, () => tar, 'bomb');
    assert.ok(readFileSync(img.layers[0]!.path).length < 200_000, 'the blob is small: it is a bomb');
    const plain = run([`oci:${layout}:bomb`, '-f', 'json']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(json(plain).summary.skipped['too-large'], 1);
    assert.equal(json(plain).summary.incomplete, false);
    const cut = run([`oci:${layout}:bomb`, '--max-layer-size', '16MB', '-f', 'json']);
    assert.equal(cut.code, 3, cut.stderr);
    const skip = json(cut).summary.skippedItems.find((s) => s.path.includes('layer 1/1'))!;
    assert.equal(skip.reason, 'too-large');
    assert.match(
      skip.detail!,
      /^inflated past --max-layer-size 16000000 bytes after \d+ stored bytes: cut there \(a decompression bomb\?\)/,
    );
    const text = run([`oci:${layout}:bomb`, '--max-layer-size', '16MB']);
    assert.equal(text.code, 3);
    assert.match(text.stdout, /Skipped: 2 too-large/); // the file over --max-file-size, and the layer cut short
    assert.match(text.stdout, /Scan incomplete/);
    rmSync(img.layers[0]!.path, { force: true }); // 64 MB never hit the disk, but keep the layout small anyway
  });

  it('../ and absolute names are reported by name only, and nothing is written', async () => {
    const base = await buildImage({ layout, tag: 'names-base', layers: [{ files: { a: 'a' } }] });
    const tar = await tarOf([
      { name: '../../escape.env', body: `TOKEN=${T.names}\n` },
      { name: '/abs/secret.env', body: `TOKEN=${T.abs}\n` },
      { name: 'app/ok.txt', body: 'ok\n' },
    ]);
    rewriteLayer(base, 0, () => tar, 'names');
    const r = run([`oci:${layout}:names`, '-f', 'json', '--show-secrets']);
    assert.equal(r.code, 1, r.stderr);
    const paths = json(r)
      .findings.map((f) => [f.secret, f.locations[0]!.path])
      .sort();
    assert.deepEqual(
      paths,
      [
        [T.names, '../../escape.env'],
        [T.abs, 'abs/secret.env'],
      ].sort(),
    );
    assert.ok(!existsSync(join(work, '..', '..', 'escape.env')));
    assert.ok(!existsSync('/abs/secret.env'));
  });

  it('hard links and symlinks to files of other layers are not followed; the file is reported where it is stored', async () => {
    const base = await buildImage({
      layout,
      tag: 'links-base',
      layers: [{ files: { 'app/.env': `TOKEN=${T.link}\n` } }, { files: { 'app/placeholder': 'p' } }],
    });
    const tar = await tarOf([
      { name: 'app/', type: 'directory' },
      { name: 'app/link', type: 'symlink', linkname: '/app/.env' },
      { name: 'app/hard', type: 'link', linkname: 'app/.env' },
      { name: 'etc/loop', type: 'symlink', linkname: 'loop' },
    ]);
    rewriteLayer(base, 1, () => tar, 'links');
    const r = run([`oci:${layout}:links`, '-f', 'json', '--show-secrets']);
    assert.equal(r.code, 1, r.stderr);
    const rep = json(r);
    assert.equal(rep.summary.incomplete, false);
    assert.deepEqual(
      rep.findings.map((f) => [f.secret, f.locations.map((l) => [l.path, l.provenance.target.visibility])]),
      [[T.link, [['app/.env', 'visible']]]],
    );
  });

  it('a manifest naming a missing layer blob names the layer and scans the rest; a missing config fails the image', () => {
    const img = copyLayout(good, 'missing-layer');
    rmSync(img.layers[1]!.path);
    const r = run([`oci:${img.layout}:good`, '-f', 'json', '--show-secrets']);
    assert.equal(r.code, 1, r.stderr);
    const rep = json(r);
    assert.deepEqual(secretsOf(rep), [T.base]);
    const skip = rep.summary.skippedItems.find((s) => s.reason === 'missing-object')!;
    assert.equal(skip.path, `oci:${img.layout}:good layer 2/2 ${img.layers[1]!.digest.slice(0, 19)}`);
    assert.match(skip.detail!, new RegExp(`the blob ${img.layers[1]!.digest} is missing from ${img.layout}`));
    const noConfig = copyLayout(good, 'missing-config');
    rmSync(blobPath(noConfig.layout, noConfig.configDigest));
    const c = run([`oci:${noConfig.layout}:good`]);
    assert.equal(c.code, 3);
    assert.match(
      c.stderr,
      new RegExp(`oci:${noConfig.layout}:good: the config ${noConfig.configDigest} is missing`),
    );
  });

  it('a blob whose bytes do not match its digest is refused: nothing found in it is reported', async () => {
    const clean = await buildImage({
      layout,
      tag: 'clean',
      layers: [{ files: { 'app/readme': 'hello\n' } }],
    });
    const img = copyLayout(clean, 'tampered');
    writeFileSync(
      img.layers[0]!.path,
      gzipSync(await tarOf([{ name: 'app/.env', body: `TOKEN=${T.tampered}\n` }])),
    );
    const r = run([`oci:${img.layout}:clean`, '-f', 'json', '--show-secrets']);
    assert.equal(r.code, 3, r.stdout);
    const rep = json(r);
    assert.deepEqual(rep.findings, []);
    const skip = rep.summary.skippedItems.find((s) => s.reason === 'corrupt')!;
    assert.match(
      skip.detail!,
      new RegExp(
        `^digest mismatch: the blob's bytes hash to sha256:[0-9a-f]{64}, not ${img.layers[0]!.digest}: refused .*; nothing found in it is reported$`,
      ),
    );
    assert.ok(
      rep.summary.notes.some((n) => /1 match in refused layers \(digest mismatch\) not reported/.test(n)),
    );
    const text = run([`oci:${img.layout}:clean`]);
    assert.ok(!text.stdout.includes(T.tampered) && !text.stderr.includes(T.tampered));
  });

  it('a layer that is not a tar: named, corrupt, the scan goes on', () => {
    const img = rewriteLayer(
      good,
      1,
      () => Buffer.from('this is not a tar archive at all, just some words '.repeat(20)),
      'notar',
    );
    const r = run([`oci:${layout}:notar`, '-f', 'json', '--show-secrets']);
    assert.equal(r.code, 1, r.stderr);
    const skip = json(r).summary.skippedItems.find((s) => s.reason === 'corrupt')!;
    assert.equal(skip.path, `oci:${layout}:notar layer 2/2 ${img.layers[1]!.digest.slice(0, 19)}`);
    assert.match(skip.detail!, /not a valid tar stream/);
    assert.deepEqual(secretsOf(json(r)), [T.base]);
  });

  it('files that are not images: each a clear message naming the input and the fix (exit 3, never a crash)', async () => {
    const text = join(work, 'notes.txt');
    writeFileSync(text, 'just some notes\n'.repeat(100));
    const plainTar = join(work, 'plain.tar');
    spawnSync('tar', ['-cf', plainTar, '-C', work, 'notes.txt']);
    const gz = join(work, 'image.tar.gz');
    writeFileSync(gz, gzipSync(readFileSync(await toDockerArchive(good, join(work, 'for-gz.tar')))));
    const ociArchive = await toOciArchive(good, join(work, 'oci-for-docker.tar'));
    const cases: [string, RegExp, RegExp][] = [
      [
        `docker-archive:${text}`,
        /docker-archive:.*notes\.txt: not a tar archive/,
        /fix: docker-archive: reads the tarball/,
      ],
      [
        `oci-archive:${text}`,
        /oci-archive:.*notes\.txt: not a tar archive/,
        /fix: oci-archive: reads a tar of an OCI layout/,
      ],
      [
        `docker-archive:${plainTar}`,
        /is not a docker save archive \(no manifest\.json\)/,
        /fix: docker-archive: reads/,
      ],
      [
        `docker-archive:${ociArchive}`,
        /is not a docker save archive \(no manifest\.json\)/,
        /fix: it holds an OCI index\.json: scan it as oci-archive:/,
      ],
      [`docker-archive:${gz}`, /is gzip-compressed/, /fix: decompress it first: gzip -dc/],
      [`oci:${text}`, /is a file, not a layout folder/, /fix: for a tarball, use oci-archive:/],
      [`oci:${work}`, /is not an OCI image layout \(no index\.json\)/, /fix: point oci: at a folder/],
      [`oci:${join(work, 'nowhere')}`, /no such folder/, /fix: oci: names an OCI layout folder/],
      [
        `docker-archive:${join(work, 'nowhere.tar')}`,
        /cannot open .*nowhere\.tar: ENOENT/,
        /fix: check the path/,
      ],
      [`oci:${layout}:no-such-tag`, /no image is tagged "no-such-tag"/, /fix: its tags: .*good/],
      [
        'docker://127.0.0.1:6000/keyspill/x:1',
        /cannot reach registry 127\.0\.0\.1:6000 \(https:\/\/127\.0\.0\.1:6000\): bad port/,
        /fix: Node's fetch refuses the ports browsers block/,
      ],
    ];
    for (const [ref, message, fix] of cases) {
      const r = run([ref]);
      assert.equal(r.code, 3, `${ref}: ${r.stderr}`);
      assert.match(r.stderr, message, ref);
      assert.match(r.stderr, fix, ref);
      assert.ok(!/unexpected error|at .*\.js:\d+/.test(r.stderr), r.stderr);
    }
    const piped = runCli(['scan', 'image', 'docker-archive:/dev/stdin'], {
      cwd: work,
      input: readFileSync(plainTar),
    });
    assert.equal(piped.code, 3);
    assert.match(piped.stderr, /docker-archive:\/dev\/stdin is not a regular file \(a pipe or a device\)/);
    assert.match(piped.stderr, /fix: write it to a file first/);
    const usage = run(['dir:/tmp/x']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /the dir: transport is not supported/);
  });

  it('several references, one broken: the others are scanned and the broken one is named in a note', () => {
    const r = run([`oci:${layout}:good`, `oci:${join(work, 'nowhere')}`, '-f', 'json', '--show-secrets']);
    assert.equal(r.code, 1, r.stderr);
    const rep = json(r);
    assert.deepEqual(secretsOf(rep), [T.base]);
    assert.equal(rep.summary.incomplete, true);
    assert.ok(
      rep.summary.notes.some((n) => n.startsWith(`oci:${join(work, 'nowhere')}: not scanned: `)),
      rep.summary.notes.join('\n'),
    );
  });

  it('docker-daemon: without a running engine, says so and how to scan instead', () => {
    const hasDocker = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).status === 0;
    const r = run(['docker-daemon:app:dev'], {
      DOCKER_HOST: 'unix:///nonexistent/keyspill-test-docker.sock',
    });
    assert.equal(r.code, 3, r.stderr);
    if (hasDocker) {
      assert.match(
        r.stderr,
        /docker-daemon:app:dev needs a running Docker engine, and none answers: docker is installed but .*Cannot connect to the Docker daemon/,
      );
      assert.match(r.stderr, /fix: start Docker .* docker-archive:FILE from a `docker save -o FILE app:dev`/);
    } else {
      assert.match(r.stderr, /docker was not found on PATH/);
    }
  });
});
