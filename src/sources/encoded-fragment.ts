// A fragment that keeps its bytes and decodes them when its text is first read: a git blob handed to the match
// worker travels as bytes (one transfer, no string copy) and is decoded there, off the thread that reads git.
import type { Fragment } from '../model/fragment.ts';
import { decode, type TextEncoding } from './text-encoding.ts';

/** Every field of a fragment but its text. */
export type FragmentMeta = Omit<Fragment, 'text'>;

export class EncodedFragment implements Fragment {
  declare readonly path: string;
  declare readonly provenance: Fragment['provenance'];
  #text: string | undefined;
  readonly #bytes: Uint8Array;
  readonly #encoding: TextEncoding;

  /** `meta`'s fields become this fragment's own (so `{ ...fragment }` is its meta, without the text). */
  constructor(meta: FragmentMeta, bytes: Uint8Array, encoding: TextEncoding) {
    Object.assign(this, meta);
    this.#bytes = bytes;
    this.#encoding = encoding;
  }

  get text(): string {
    return (this.#text ??= decode(this.#bytes, this.#encoding));
  }

  /**
   * False when the text surely lacks `ascii` (checked on UTF-8 bytes without decoding them); true when it holds it
   * or could (other encodings are not searched as bytes).
   */
  mayHold(ascii: string): boolean {
    if (this.#text !== undefined) return this.#text.includes(ascii);
    if (this.#encoding !== 'utf-8') return true;
    const b = this.#bytes;
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(ascii);
  }

  /** The bytes and their encoding while the text has not been decoded here (then they are worth sending). */
  encoded(): { readonly bytes: Uint8Array; readonly encoding: TextEncoding } | undefined {
    return this.#text === undefined ? { bytes: this.#bytes, encoding: this.#encoding } : undefined;
  }
}
