// Match worker: compiles the ruleset it is handed as data (no file reads), then scans the batches posted to it:
// fragments as they are, or as byte ranges of the batch's buffer, decoded here.
import { parentPort, workerData } from 'node:worker_threads';
import { compileRuleset, type RulesetSpec } from '../catalog/active.ts';
import { scanFragment, type FragmentResult } from '../detect/engine.ts';
import { reasonOf } from '../errors.ts';
import type { Fragment } from '../model/fragment.ts';
import type { FragmentMeta } from '../sources/encoded-fragment.ts';
import { decode, type TextEncoding } from '../sources/text-encoding.ts';

export type WorkItem =
  | { readonly fragment: Fragment }
  | {
      readonly meta: FragmentMeta;
      readonly start: number;
      readonly end: number;
      readonly encoding: TextEncoding;
    };
export interface WorkRequest {
  readonly id: number;
  readonly items: readonly WorkItem[];
  readonly buffer: ArrayBuffer;
}
export interface WorkReply {
  readonly id: number;
  readonly results: readonly ({ readonly result: FragmentResult } | { readonly error: string })[];
}

if (parentPort !== null) {
  const port = parentPort;
  const ruleset = compileRuleset(workerData as RulesetSpec);
  port.on('message', (msg: WorkRequest) => {
    const results = msg.items.map((item) => {
      try {
        const fragment =
          'fragment' in item
            ? item.fragment
            : {
                ...item.meta,
                text: decode(new Uint8Array(msg.buffer, item.start, item.end - item.start), item.encoding),
              };
        return { result: scanFragment(fragment, ruleset) };
      } catch (e) {
        return { error: reasonOf(e) };
      }
    });
    const reply: WorkReply = { id: msg.id, results };
    port.postMessage(reply);
  });
}
