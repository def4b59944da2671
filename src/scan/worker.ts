// Match worker: rebuilds the active ruleset from plain options, then scans fragments posted to it.
import { parentPort, workerData } from 'node:worker_threads';
import { scanFragment } from '../detect/engine.ts';
import type { Fragment } from '../model/fragment.ts';
import { activeRuleset, type ActiveRulesOptions } from '../catalog/active.ts';

const ruleset = await activeRuleset(workerData as ActiveRulesOptions);
parentPort!.on('message', (msg: { id: number; fragment: Fragment }) => {
  parentPort!.postMessage({ id: msg.id, result: scanFragment(msg.fragment, ruleset) });
});
