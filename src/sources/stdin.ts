// Standard input source: the stream scanned as it arrives (in windows past 32 MiB), named "-" (or --name).
import type { Readable } from 'node:stream';
import { streamContent, type ContentPolicy } from './content.ts';
import type { Source } from './types.ts';

export interface StdinSourceOptions {
  readonly stream: Readable;
  readonly name: string;
  readonly policy: ContentPolicy;
}

async function* chunks(stream: Readable, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    if (signal.aborted) return;
    yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
  }
}

export function stdinSource(o: StdinSourceOptions): Source {
  return {
    name: 'stdin',
    targets: [o.name],
    async *events(signal) {
      try {
        yield* streamContent(
          chunks(o.stream, signal),
          o.policy,
          { path: o.name, provenance: { kind: 'stdin', name: o.name } },
          true,
        );
      } finally {
        o.stream.destroy();
      }
    },
  };
}
