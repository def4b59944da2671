// Step kind manual: a checklist item a person does; it waits for their confirmation and records who gave it.
import { z } from 'zod';
import { defineStep } from './types.ts';

const input = z.object({ instructions: z.string().min(1) }).strict();

export const manual = defineStep<z.infer<typeof input>>({
  kind: 'manual',
  summary:
    'A checklist item done by a person: waits for a confirmation (a prompt, or --confirm STEP) and records who.',
  effect: 'manual',
  input,
  outputs: ['confirmedBy', 'confirmedAt'],
  plan: () => [],
  confirmText: (i) => `${i.instructions}\nDone?`,
  async probe(i) {
    return { done: false, facts: [i.instructions] };
  },
  async act() {
    // The person does it; the runner journals their confirmation.
  },
  async verify(_i, ctx) {
    const c = [...ctx.history].reverse().find((e) => e.type === 'confirmed');
    return c?.type === 'confirmed'
      ? { confirmedBy: c.by, confirmedAt: c.time }
      : { confirmedBy: ctx.responder, confirmedAt: new Date().toISOString() };
  },
});
