// Match worker: compiles the ruleset it is handed as data (no file reads), then scans fragments posted to it.
import { parentPort, workerData } from 'node:worker_threads';
import { compileRuleset, type RulesetSpec } from '../catalog/active.ts';
import { scanFragment } from '../detect/engine.ts';
import type { Fragment } from '../model/fragment.ts';

const ruleset = compileRuleset(workerData as RulesetSpec);
parentPort!.on('message', (msg: { id: number; fragment: Fragment }) => {
  parentPort!.postMessage({ id: msg.id, result: scanFragment(msg.fragment, ruleset) });
});
