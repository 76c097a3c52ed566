// Sealing at rest: AES-256-GCM with a random 96-bit nonce per value and
// additional data that binds each ciphertext to where it is stored, so a
// record edited, truncated or moved to another key fails to open. Secret
// values are padded before sealing (the padding is authenticated), so the
// files do not tell a 4-digit PIN from a private key. Sub-keys are derived
// from the host's key with HKDF, one per purpose.

import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hash, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

const FORMAT = 1; // first byte of every sealed value: lets a later format be told apart
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

export const KEY_BYTES = 32;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The store's keys, derived from the host's 32-byte key, one per purpose:
 * records (items, ACLs, policies, approvals, bookkeeping), values (secret
 * values), tokens (page tokens) and digest (the record digest). The key
 * material lives in private fields: no property, `JSON.stringify` or
 * `util.inspect` of this object (or of anything holding it) reaches it.
 */
export class StoreKeys {
  readonly #records: KeyObject;
  readonly #values: KeyObject;
  readonly #tokens: KeyObject;
  readonly #digest: Buffer;

  constructor(master: Uint8Array) {
    this.#records = createSecretKey(derive(master, 'records'));
    this.#values = createSecretKey(derive(master, 'values'));
    this.#tokens = createSecretKey(derive(master, 'tokens'));
    this.#digest = derive(master, 'digest');
  }

  /** Seals a metadata record, bound to `additionalData` (its storage key). */
  sealRecord(plaintext: Uint8Array, additionalData: string): Uint8Array {
    return seal(this.#records, plaintext, additionalData);
  }

  openRecord(sealed: Uint8Array, additionalData: string): Buffer | undefined {
    return unseal(this.#records, sealed, additionalData);
  }

  /** Seals a secret value, padded (see paddedLength). */
  sealValue(plaintext: Uint8Array, additionalData: string): Uint8Array {
    return seal(this.#values, pad(plaintext), additionalData);
  }

  /** The value, or undefined when it does not open (wrong key, edited, moved, truncated, bad padding). */
  openValue(sealed: Uint8Array, additionalData: string): Buffer | undefined {
    const padded = unseal(this.#values, sealed, additionalData);
    return padded === undefined ? undefined : unpad(padded);
  }

  /** HMAC-SHA256 of `text` under the tokens key, base64url. */
  sign(text: string): string {
    return createHmac('sha256', this.#tokens).update(text).digest('base64url');
  }

  /** Constant-time check of a signature made by `sign`. */
  verify(text: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(text));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** An empty record digest under the digest key. */
  emptyDigest(): RecordDigest {
    return RecordDigest.empty(this.#digest);
  }

  toJSON(): string {
    return '[StoreKeys]';
  }

  [INSPECT](): string {
    return 'StoreKeys {}';
  }
}

function derive(master: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'coffer/v1', purpose, KEY_BYTES));
}

// ---------------------------------------------------------------- padding

const MIN_PADDED = 64;
const PADDING_STEP = 64 * 1024;

/**
 * The length a value of `bytes` bytes is padded to before sealing: room for
 * the value and one marker byte, rounded up to a power of two of at least 64
 * bytes, and above 64 KiB to a multiple of 64 KiB. So a value's size shows
 * only as one of a few classes (≤ 63, ≤ 127, ≤ 255 … bytes), at a cost of at
 * most twice its size (docs/storage.md).
 */
export function paddedLength(bytes: number): number {
  const needed = bytes + 1;
  if (needed > PADDING_STEP) return Math.ceil(needed / PADDING_STEP) * PADDING_STEP;
  let length = MIN_PADDED;
  while (length < needed) length *= 2;
  return length;
}

/** `bytes ‖ 0x80 ‖ 0x00…` to paddedLength (ISO/IEC 7816-4). */
function pad(bytes: Uint8Array): Buffer {
  const out = Buffer.alloc(paddedLength(bytes.length));
  out.set(bytes);
  out[bytes.length] = 0x80;
  return out;
}

/** The value inside a padded plaintext, or undefined when the padding is malformed. */
function unpad(padded: Buffer): Buffer | undefined {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  return end >= 0 && padded[end] === 0x80 ? padded.subarray(0, end) : undefined;
}

export function randomKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}

// Nonces come from the CSPRNG in blocks of 256: one randomFillSync call per
// 256 seals instead of one per seal (each call costs a few microseconds).
const NONCES_PER_BLOCK = 256;
let nonceBlock = Buffer.alloc(0);
let nonceOffset = 0;

function nextNonce(): Buffer {
  if (nonceOffset >= nonceBlock.length) {
    nonceBlock = randomBytes(NONCE_BYTES * NONCES_PER_BLOCK);
    nonceOffset = 0;
  }
  const nonce = nonceBlock.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/** format ‖ nonce ‖ tag ‖ ciphertext. */
function seal(key: KeyObject, plaintext: Uint8Array, additionalData: string): Uint8Array {
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out[0] = FORMAT;
  nonce.copy(out, 1);
  cipher.getAuthTag().copy(out, 1 + NONCE_BYTES);
  body.copy(out, HEADER_BYTES);
  return out;
}

/** The plaintext, or undefined when the value does not authenticate (wrong key, edited, moved, truncated). */
function unseal(key: KeyObject, sealed: Uint8Array, additionalData: string): Buffer | undefined {
  if (sealed.length < HEADER_BYTES || sealed[0] !== FORMAT) return undefined;
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + NONCE_BYTES));
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(bytes.subarray(1 + NONCE_BYTES, HEADER_BYTES));
    // GCM is a stream mode: update() returns every byte, final() only checks the tag.
    const plain = decipher.update(bytes.subarray(HEADER_BYTES));
    decipher.final();
    return plain;
  } catch {
    return undefined;
  }
}

/**
 * A commitment to a set of records: the XOR of one secret 128-bit share per
 * record, share = SHA-256(digest key ‖ plaintext)[0..16] — a keyed hash with
 * the one-shot crypto.hash, no cipher or HMAC object per record (those cost
 * microseconds each). The key is secret and no share is ever stored or shown
 * (the digest itself is sealed), so nobody else can compute one, and length
 * extension gives an attacker nothing to extend. The storage key needs no part
 * in it: each record's GCM tag binds it to its key. Adding and removing a
 * record are the same XOR, so a write updates it in O(records changed); a
 * record restored from an older state, added or removed on disk makes it disagree.
 */
export class RecordDigest {
  readonly #key: Buffer;
  readonly #bytes: Buffer;

  private constructor(key: Buffer, bytes: Buffer) {
    this.#key = key;
    this.#bytes = bytes;
  }

  static empty(key: Buffer): RecordDigest {
    return new RecordDigest(key, Buffer.alloc(16));
  }

  copy(): RecordDigest {
    return new RecordDigest(this.#key, Buffer.from(this.#bytes));
  }

  /** Adds (or, the same XOR, removes) one record. */
  toggle(plaintext: string | Uint8Array): void {
    const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const share = hash('sha256', Buffer.concat([this.#key, bytes]), 'buffer');
    for (let i = 0; i < 16; i++) this.#bytes[i]! ^= share[i]!;
  }

  equals(other: Uint8Array): boolean {
    return other.length === 16 && timingSafeEqual(this.#bytes, other);
  }

  /** The digest as stored (sealed) in the bookkeeping record. */
  toBase64(): string {
    return this.#bytes.toString('base64');
  }

  toJSON(): string {
    return '[RecordDigest]';
  }

  [INSPECT](): string {
    return 'RecordDigest {}';
  }
}
