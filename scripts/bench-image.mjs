#!/usr/bin/env node
// Image benchmark: `scan image` on generated OCI images with gzip layers (text and binary files), against the floor
// of just decompressing the same layers (`gzip -dc > /dev/null`), with peak RSS at two image sizes.
//
//   node_modules/.bin/node scripts/bench-image.mjs [--mb 400] [--json]
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'run.js');
const CACHE = join(ROOT, '.cache', 'bench');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const LAYER_MB = 50;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}
const largeMB = Number(arg('--mb', '400'));
const asJson = process.argv.includes('--json');

if (!existsSync(join(ROOT, 'dist', 'sources', 'image', 'source.js'))) {
  console.error('bench-image: no build found; run npm run build first');
  process.exit(2);
}

/** xorshift32: cheap deterministic choices for the text files. */
function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const WORDS =
  'const let function return import export from default async await if else for while switch case break value result error config options request response handler module require process env path file data buffer stream string number object array length index count token user name id'.split(
    ' ',
  );

/** A source-like text file of about `size` bytes. */
function textFile(rand, size) {
  const lines = [];
  let n = 0;
  while (n < size) {
    const indent = '  '.repeat(Math.floor(rand() * 4));
    const words = Array.from(
      { length: 3 + Math.floor(rand() * 9) },
      () => WORDS[Math.floor(rand() * WORDS.length)],
    );
    const line = `${indent}${words.join(rand() < 0.3 ? '.' : ' ')}${rand() < 0.5 ? ` = ${Math.floor(rand() * 100000)};` : ' {'}`;
    lines.push(line);
    n += line.length + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** A binary file (random bytes with NUL runs, like object code) of `size` bytes. */
function binaryFile(size) {
  const b = randomBytes(size);
  for (let i = 0; i < size; i += 64) b.fill(0, i, Math.min(i + 16, size));
  return b;
}

class Hasher extends Transform {
  constructor() {
    super();
    this.hash = createHash('sha256');
    this.bytes = 0;
  }
  _transform(chunk, _enc, cb) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/** Writes one gzip layer (about LAYER_MB of files, half text, half binary) into the layout; returns its digests. */
async function writeLayer(layout, index) {
  const rand = prng(index + 1);
  const p = pack();
  const tarHash = new Hasher();
  const blobHash = new Hasher();
  const tmp = join(layout, 'blobs', 'sha256', `tmp-${index}`);
  const done = pipeline(p, tarHash, createGzip({ level: 6 }), blobHash, createWriteStream(tmp));
  let written = 0;
  let textBytes = 0;
  let file = 0;
  const target = LAYER_MB * 1024 * 1024;
  while (written < target) {
    // Half the bytes text, half binary: text files are small and many, binaries few and large.
    const text = textBytes * 2 <= written;
    const size = text ? 2048 + Math.floor(rand() * 60000) : 65536 + Math.floor(rand() * 2000000);
    let body = text ? textFile(rand, size) : binaryFile(size);
    if (text && file % 997 === 0)
      body = Buffer.concat([
        body,
        Buffer.from(
          `GITHUB_TOKEN=ghp_${randomBytes(27)
            .toString('base64')
            .replace(/[^A-Za-z0-9]/g, 'x')
            .slice(0, 36)}\n`,
        ),
      ]);
    const name = `layer${index}/${text ? 'src' : 'lib'}/${Math.floor(file / 100)}/${file}.${text ? 'js' : 'so'}`;
    await new Promise((res, rej) => p.entry({ name, size: body.length }, body, (e) => (e ? rej(e) : res())));
    written += body.length;
    if (text) textBytes += body.length;
    file++;
  }
  p.finalize();
  await done;
  const digest = `sha256:${blobHash.hash.digest('hex')}`;
  renameSync(tmp, join(layout, 'blobs', 'sha256', digest.slice(7)));
  return {
    digest,
    size: blobHash.bytes,
    diffId: `sha256:${tarHash.hash.digest('hex')}`,
    tarBytes: tarHash.bytes,
  };
}

function writeBlob(layout, bytes) {
  const hex = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(layout, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

/** An OCI layout holding one image of `mb` MB of uncompressed layers (cached). */
async function image(mb) {
  const layout = join(CACHE, `image-v2-${mb}MB`);
  if (existsSync(join(layout, 'index.json'))) return layout;
  rmSync(layout, { recursive: true, force: true });
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  const layers = [];
  for (let i = 0; i < Math.max(1, Math.round(mb / LAYER_MB)); i++) layers.push(await writeLayer(layout, i));
  const config = writeBlob(
    layout,
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Env: ['PATH=/usr/bin'] },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        history: layers.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `COPY layer${i} /` })),
      }),
    ),
  );
  const manifest = writeBlob(
    layout,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: layers.map((l) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: l.digest,
          size: l.size,
        })),
      }),
    ),
  );
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'bench' },
        },
      ],
    }),
  );
  return layout;
}

/** Wall time, CPU time and peak RSS of a command (RSS and CPU from /usr/bin/time when there is one). */
function measure(cmd, args, shell = false) {
  const started = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', '__TIME=%M %U %S', ...(shell ? ['sh', '-c', cmd] : [cmd, ...args])], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, shell });
  const ms = performance.now() - started;
  const m = /__TIME=(\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return {
    status: r.status,
    ms,
    rssMB: m ? Number(m[1]) / 1024 : undefined,
    cpuS: m ? Number(m[2]) + Number(m[3]) : undefined,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

async function benchOne(mb) {
  const layout = await image(mb);
  const blobs = readdirSync(join(layout, 'blobs', 'sha256'))
    .map((h) => join(layout, 'blobs', 'sha256', h))
    .filter((p) => !p.endsWith('.json'));
  const gz = blobs.filter((p) => {
    const r = spawnSync('head', ['-c', '2', p]);
    return r.stdout[0] === 0x1f && r.stdout[1] === 0x8b;
  });
  const floor = measure(
    `for f in ${gz.map((p) => `'${p}'`).join(' ')}; do gzip -dc "$f"; done > /dev/null`,
    [],
    true,
  );
  const scan = measure(process.execPath, [BIN, 'scan', 'image', `oci:${layout}:bench`, '-f', 'json']);
  if (scan.status !== 1 && scan.status !== 0)
    throw new Error(`scan image failed (${scan.status}): ${scan.stderr}`);
  const report = JSON.parse(scan.stdout);
  const tarMB =
    gz.reduce(
      (n, p) => n + Number(spawnSync('sh', ['-c', `gzip -dc '${p}' | wc -c`], { encoding: 'utf8' }).stdout),
      0,
    ) / 1e6;
  return {
    imageMB: +tarMB.toFixed(1),
    layers: gz.length,
    scannedMB: +(report.summary.bytesScanned / 1e6).toFixed(1),
    findings: report.findings.length,
    scanSeconds: +(scan.ms / 1000).toFixed(2),
    scanMBps: +(tarMB / (scan.ms / 1000)).toFixed(1),
    scanCpuSeconds: scan.cpuS === undefined ? null : +scan.cpuS.toFixed(2),
    scanMBperCpuSecond: scan.cpuS === undefined ? null : +(tarMB / scan.cpuS).toFixed(1),
    gzipFloorSeconds: +(floor.ms / 1000).toFixed(2),
    gzipFloorMBps: +(tarMB / (floor.ms / 1000)).toFixed(1),
    ratioToFloor: +(scan.ms / floor.ms).toFixed(2),
    peakRssMB: scan.rssMB === undefined ? null : Math.round(scan.rssMB),
  };
}

const smallMB = Math.max(LAYER_MB, Math.round(largeMB / 4 / LAYER_MB) * LAYER_MB);
const results = {
  image: 'generated OCI image, gzip -6 layers of 50 MB, half the bytes source-like text, half binary files',
  large: await benchOne(largeMB),
  small: await benchOne(smallMB),
};
if (asJson) console.log(JSON.stringify(results));
else console.log(JSON.stringify(results, null, 2));
