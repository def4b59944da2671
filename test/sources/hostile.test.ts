// Hostile inputs for folder and stdin scans: deep trees, names that are not UTF-8, UTF-16/32 text, huge items.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentEvents, type ContentPolicy } from '../../src/sources/content.ts';
import type { SourceEvent } from '../../src/sources/types.ts';
import { BIN, runCli, TEST_STATE_DIR } from '../helpers/cli.ts';
import { tempDir, writeTree } from '../helpers/tmp.ts';

const ID = 'AKIAQYLPMN5HFIQR7XYA';
const SECRET = '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';
const LINES = `REGION=eu\nAWS_ACCESS_KEY_ID=${ID}\nAWS_SECRET_ACCESS_KEY=${SECRET}\n`;

interface JsonReport {
  summary: { itemsScanned: number; skipped: Record<string, number>; notes: string[]; incomplete: boolean };
  findings: { ruleId: string; identifier?: string; locations: { path: string; line: number }[] }[];
}

function scanJson(
  args: string[],
  cwd: string,
  input?: string | Buffer,
): { code: number; report: JsonReport; stderr: string } {
  const r = runCli(['scan', ...args, '-f', 'json'], { cwd, ...(input === undefined ? {} : { input }) });
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

test('a folder 2,000 levels deep is walked (no stack overflow) and its file scanned', () => {
  const root = tempDir();
  let dir = root;
  for (let i = 0; i < 2000; i++) {
    dir = join(dir, 'd');
    mkdirSync(dir);
  }
  writeFileSync(join(dir, 'creds.env'), LINES);
  const { code, report } = scanJson(['dir', '.'], root);
  assert.equal(code, 1);
  assert.equal(report.findings.length, 1);
  assert.equal(report.findings[0]!.locations[0]!.path, `${'d/'.repeat(2000)}creds.env`);
});

test('file and folder names that are not UTF-8 are scanned and shown with escapes', async () => {
  const root = tempDir();
  const bad = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "caf\xe9" in Latin-1
  const folder = Buffer.concat([Buffer.from(root), Buffer.from('/'), bad]);
  mkdirSync(folder);
  writeFileSync(Buffer.concat([folder, Buffer.from('/'), bad, Buffer.from('.env')]), LINES);
  const { code, report } = scanJson(['dir', '.'], root);
  assert.equal(code, 1);
  assert.equal(report.summary.skipped['unreadable'], undefined);
  assert.equal(report.findings[0]!.locations[0]!.path, 'caf\\xe9/caf\\xe9.env');
  assert.equal(report.findings[0]!.locations[0]!.line, 3);
});

const ENCODINGS: [string, (s: string) => Buffer][] = [
  ['UTF-16LE with BOM', (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])],
  ['UTF-16LE without BOM', (s) => Buffer.from(s, 'utf16le')],
  [
    'UTF-16BE with BOM',
    (s) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]),
  ],
  ['UTF-16BE without BOM', (s) => Buffer.from(s, 'utf16le').swap16()],
  ['UTF-32LE with BOM', (s) => utf32(s, true, true)],
  ['UTF-32BE without BOM', (s) => utf32(s, false, false)],
];

function utf32(s: string, le: boolean, bom: boolean): Buffer {
  const cps = [...(bom ? '\ufeff' : ''), ...s].map((c) => c.codePointAt(0)!);
  const b = Buffer.alloc(cps.length * 4);
  cps.forEach((cp, i) => (le ? b.writeUInt32LE(cp, i * 4) : b.writeUInt32BE(cp, i * 4)));
  return b;
}

for (const [name, encode] of ENCODINGS) {
  test(`${name} text (PowerShell, .reg, .config) is decoded and its secret found at the right line`, () => {
    const root = tempDir();
    writeFileSync(join(root, 'out.txt'), encode(`Windows Registry Editor Version 5.00\r\n\r\n${LINES}`));
    const { code, report } = scanJson(['dir', '.'], root);
    assert.equal(code, 1, JSON.stringify(report.summary));
    assert.equal(report.findings[0]!.identifier, ID);
    assert.equal(report.findings[0]!.locations[0]!.line, 5);
  });
}

test('.env excluded by .gitignore is still scanned, and the summary says so', () => {
  const root = tempDir();
  writeTree(root, { '.gitignore': '.env\n*.log\n', '.env': LINES, 'debug.log': LINES });
  const { code, report } = scanJson(['dir', '.'], root);
  assert.equal(code, 1);
  assert.deepEqual(
    report.findings.flatMap((f) => f.locations.map((l) => l.path)),
    ['.env'],
  );
  assert.match(
    report.summary.notes.join('\n'),
    /scanned 1 credential file\(s\) that \.gitignore excludes \(\.env\)/,
  );
});

async function collect(bytes: Uint8Array, policy: ContentPolicy): Promise<SourceEvent[]> {
  const out: SourceEvent[] = [];
  for await (const ev of contentEvents(bytes, policy, {
    path: 'big',
    provenance: { kind: 'file', path: 'big' },
  }))
    out.push(ev);
  return out;
}

test('large items are cut into overlapping windows: every line number right, no match lost or doubled', async () => {
  const filler = 'const value = computeSomething(input, options);\n';
  const lines: string[] = [];
  for (let i = 0; i < 4000; i++)
    lines.push(i % 397 === 5 ? `aws_secret_access_key = ${SECRET}` : filler.trimEnd());
  const text = `${lines.join('\n')}\n`;
  const events = await collect(Buffer.from(text), {
    maxFileSize: 1e9,
    includeBinary: false,
    windowBytes: 16 * 1024,
    overlapBytes: 1024,
  });
  const fragments = events.filter((e) => e.type === 'fragment');
  assert.ok(fragments.length > 5, `${fragments.length} windows`);
  assert.equal(fragments.filter((e) => e.continued !== true).length, 1, 'one item');
  assert.equal(
    fragments.reduce((n, e) => n + e.bytes, 0),
    Buffer.byteLength(text),
    'bytes counted once',
  );
  // Rebuild the line of every window's first line: it must be the file's line.
  for (const f of fragments) {
    const first = f.fragment.text.split('\n')[0]!;
    assert.equal(lines[(f.fragment.firstLine ?? 1) - 1], first);
  }
});

test('a 560 MiB file next to a small one: both scanned in bounded memory (it used to lose the whole report)', () => {
  const root = tempDir();
  const block = Buffer.alloc(64 * 1024 * 1024, 'x = "just some configuration text here";\n');
  const big = join(root, 'big.txt');
  writeFileSync(big, '');
  for (let i = 0; i < 8; i++) writeFileSync(big, block, { flag: 'a' });
  writeFileSync(big, `tail\naws_secret_access_key = ${SECRET}\n`, { flag: 'a' });
  writeFileSync(join(root, 'small.env'), LINES);
  const { code, report, stderr } = scanJson(['dir', '.', '--max-file-size', '1GB'], root);
  assert.equal(code, 1, stderr);
  assert.equal(report.summary.itemsScanned, 2);
  assert.equal(report.summary.incomplete, false);
  const paths = report.findings.flatMap((f) => f.locations.map((l) => `${l.path}:${l.line}`)).sort();
  const linesInBig = (block.toString('latin1').split('\n').length - 1) * 8;
  assert.deepEqual(paths, [`big.txt:${linesInBig + 2}`, 'small.env:3']);
});

test('560 MiB on stdin is scanned as it streams, in bounded memory (it used to crash at 3.3 GB RSS)', async () => {
  const child = spawn(
    '/usr/bin/time',
    ['-f', 'peak-rss-kb=%M', process.execPath, BIN, 'scan', 'stdin', '--max-file-size', '1GB', '-f', 'json'],
    {
      env: { ...process.env, NO_COLOR: '1', KEYSPILL_STATE_DIR: TEST_STATE_DIR },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const closed = new Promise<number | null>((r) => child.once('close', (c) => r(c)));
  const block = Buffer.alloc(8 * 1024 * 1024, 'log line: request served in 12 ms, nothing to see\n');
  for (let i = 0; i < 70; i++) {
    if (i === 35) child.stdin.write(`aws_secret_access_key = ${SECRET}\n`);
    if (!child.stdin.write(block)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  assert.equal(await closed, 1, stderr);
  const report = JSON.parse(stdout) as JsonReport;
  assert.equal(report.findings.length, 1);
  const peakMb = Number(/peak-rss-kb=(\d+)/.exec(stderr)?.[1]) / 1024;
  assert.ok(peakMb < 450, `peak RSS ${peakMb.toFixed(0)} MB for 560 MiB of input`);
});
