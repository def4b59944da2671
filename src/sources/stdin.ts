// Standard input source: reads the stream once, as one fragment named "-" (or --stdin-name).
import type { Readable } from 'node:stream';
import type { Source } from './types.ts';
import { decodeText, looksBinary } from './content.ts';

export interface StdinSourceOptions {
  readonly stream: Readable;
  readonly name: string;
  readonly maxBytes: number;
  readonly includeBinary: boolean;
}

export function stdinSource(o: StdinSourceOptions): Source {
  return {
    name: 'stdin',
    targets: [o.name],
    async *events(signal) {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of o.stream) {
        if (signal.aborted) return;
        const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
        total += b.length;
        if (total > o.maxBytes) {
          yield {
            type: 'skip',
            incomplete: true,
            skipped: {
              path: o.name,
              reason: 'too-large',
              detail: `more than ${o.maxBytes} bytes on stdin (raise --max-file-size)`,
            },
          };
          o.stream.destroy();
          return;
        }
        chunks.push(b);
      }
      const bytes = Buffer.concat(chunks);
      if (!o.includeBinary && looksBinary(bytes)) {
        yield {
          type: 'skip',
          incomplete: false,
          skipped: {
            path: o.name,
            reason: 'binary',
            detail: 'NUL byte in the first 8000 bytes (--include-binary to scan)',
          },
        };
        return;
      }
      yield {
        type: 'fragment',
        bytes: bytes.length,
        fragment: { text: decodeText(bytes), path: o.name, provenance: { kind: 'stdin', name: o.name } },
      };
    },
  };
}
