// Confirmations: a prompt on a TTY (@inquirer/prompts), --yes / --confirm STEP elsewhere, or a stop saying what to run.
import type { ConfirmHow } from '../model/incident.ts';
import type { EffectClass } from './steps/types.ts';

export interface Interaction {
  /** Prompts are possible (stdin and stderr are terminals, not CI). */
  readonly tty: boolean;
  /** --yes: reversible changes go ahead without asking. */
  readonly yes: boolean;
  /** --confirm STEP: a person vouches for these steps (manual items done, irreversible steps wanted). */
  readonly confirmed: ReadonlySet<string>;
  ask(message: string): Promise<boolean>;
  /** Asks the person to type `word` exactly. */
  typed(message: string, word: string): Promise<boolean>;
}

export type Decision =
  | { readonly kind: 'go'; readonly how: ConfirmHow | undefined }
  | { readonly kind: 'ask' }
  | { readonly kind: 'typed' }
  | { readonly kind: 'stop'; readonly flag: '--yes' | '--confirm' };

/** What a step of this effect class needs before it acts (pure). */
export function decide(
  effect: EffectClass,
  stepId: string,
  i: Pick<Interaction, 'tty' | 'yes' | 'confirmed'>,
): Decision {
  if (effect === 'none') return { kind: 'go', how: undefined };
  if (i.confirmed.has(stepId)) return { kind: 'go', how: 'confirm-flag' };
  if (effect === 'reversible') {
    if (i.yes) return { kind: 'go', how: 'yes-flag' };
    return i.tty ? { kind: 'ask' } : { kind: 'stop', flag: '--yes' };
  }
  if (effect === 'irreversible') return i.tty ? { kind: 'typed' } : { kind: 'stop', flag: '--confirm' };
  return i.tty ? { kind: 'ask' } : { kind: 'stop', flag: '--confirm' };
}

/** Whether prompts are possible: a terminal on both ends, and not CI. */
export function canPrompt(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  return (
    process.stdin.isTTY === true &&
    process.stderr.isTTY === true &&
    (ci === undefined || ci === '' || ci === 'false')
  );
}

/** Thrown when the person pressed Ctrl-C at a prompt. */
export class PromptInterrupted extends Error {}

export function interaction(o: { yes: boolean; confirmed: readonly string[]; tty: boolean }): Interaction {
  const guard = async <T>(p: () => Promise<T>): Promise<T> => {
    try {
      return await p();
    } catch (e) {
      if ((e as Error).name === 'ExitPromptError' || (e as Error).name === 'AbortPromptError')
        throw new PromptInterrupted();
      throw e;
    }
  };
  return {
    tty: o.tty,
    yes: o.yes,
    confirmed: new Set(o.confirmed),
    ask: (message) =>
      guard(async () => {
        const { confirm } = await import('@inquirer/prompts');
        return confirm({ message, default: false }, { output: process.stderr });
      }),
    typed: (message, word) =>
      guard(async () => {
        const { input } = await import('@inquirer/prompts');
        const got = await input(
          { message: `${message}\n  Type ${word} to confirm (anything else cancels):` },
          { output: process.stderr },
        );
        return got.trim() === word;
      }),
  };
}
