// Standard input source: reads the stream once, as one fragment named "-" (or --name).
import type { Readable } from 'node:stream';
import { contentEvent, type ContentPolicy } from './content.ts';
import type { Source } from './types.ts';

export interface StdinSourceOptions {
  readonly stream: Readable;
  readonly name: string;
  readonly policy: ContentPolicy;
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
        if (total > o.policy.maxFileSize) {
          yield {
            type: 'skip',
            incomplete: true,
            skipped: {
              path: o.name,
              reason: 'too-large',
              detail: `more than ${o.policy.maxFileSize} bytes on stdin (raise --max-file-size)`,
            },
          };
          o.stream.destroy();
          return;
        }
        chunks.push(b);
      }
      yield contentEvent(Buffer.concat(chunks), o.policy, {
        path: o.name,
        provenance: { kind: 'stdin', name: o.name },
      });
    },
  };
}
