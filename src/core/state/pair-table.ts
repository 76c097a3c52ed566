// A hash table keyed by a pair of small non-negative integers (a member number
// and an item ordinal), for the policy index's hottest lookup. Keys sit in one
// Int32Array with open addressing and linear probing, so a probe that finds
// nothing — most of them — reads one or two adjacent cache lines of a compact
// array instead of a bucket, an entry and a key of a JS Map per item. Values
// live in a parallel array and are read only on a hit.

const EMPTY = 0;
const MIN_CAPACITY = 16;

function slotOf(a: number, b: number, mask: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77);
  h ^= h >>> 13;
  return h & mask;
}

export class PairTable<V> {
  /** [a + 1, b] per slot; a + 1 === 0 marks an empty slot. */
  private keys = new Int32Array(MIN_CAPACITY * 2);
  private values: (V | undefined)[] = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
  private mask = MIN_CAPACITY - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Slots allocated (forEachKey visits them all); never shrinks. */
  get capacity(): number {
    return this.values.length;
  }

  /** The value under (a, b). O(1) expected: the load factor stays at or below 1/2. */
  get(a: number, b: number): V | undefined {
    const keys = this.keys;
    const mask = this.mask;
    const tag = a + 1;
    for (let i = slotOf(a, b, mask); ; i = (i + 1) & mask) {
      const k = keys[i * 2]!;
      if (k === EMPTY) return undefined;
      if (k === tag && keys[i * 2 + 1] === b) return this.values[i];
    }
  }

  /** Stores `value` under (a, b): integers, a in [0, 2^31 - 2] (a + 1 must fit the Int32 tag), b in [0, 2^31 - 1]. */
  set(a: number, b: number, value: V): void {
    if (!(a >= 0 && a < 0x7fffffff && b >= 0 && b <= 0x7fffffff && Number.isInteger(a) && Number.isInteger(b))) {
      throw new RangeError(`PairTable keys are integers, a in [0, 2^31 - 2] and b in [0, 2^31 - 1]; got (${a}, ${b})`);
    }
    if ((this.count + 1) * 2 > this.values.length) this.grow();
    const keys = this.keys;
    const mask = this.mask;
    const tag = a + 1;
    for (let i = slotOf(a, b, mask); ; i = (i + 1) & mask) {
      const k = keys[i * 2]!;
      if (k === EMPTY) {
        keys[i * 2] = tag;
        keys[i * 2 + 1] = b;
        this.values[i] = value;
        this.count++;
        return;
      }
      if (k === tag && keys[i * 2 + 1] === b) {
        this.values[i] = value;
        return;
      }
    }
  }

  /** Removes (a, b), moving later entries of its probe run back so no tombstone is left. */
  delete(a: number, b: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    const tag = a + 1;
    let i = slotOf(a, b, mask);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i * 2]!;
      if (k === EMPTY) return false;
      if (k === tag && keys[i * 2 + 1] === b) break;
    }
    // Backward-shift deletion: an entry after the hole moves into it unless its
    // home slot lies cyclically in (hole, its position].
    let hole = i;
    for (let j = (i + 1) & mask; keys[j * 2] !== EMPTY; j = (j + 1) & mask) {
      const home = slotOf(keys[j * 2]! - 1, keys[j * 2 + 1]!, mask);
      const staysPut = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (staysPut) continue;
      keys[hole * 2] = keys[j * 2]!;
      keys[hole * 2 + 1] = keys[j * 2 + 1]!;
      this.values[hole] = this.values[j];
      hole = j;
    }
    keys[hole * 2] = EMPTY;
    keys[hole * 2 + 1] = 0;
    this.values[hole] = undefined;
    this.count--;
    return true;
  }

  /** Calls `visit` with every stored key. O(capacity). */
  forEachKey(visit: (a: number, b: number) => void): void {
    for (let i = 0; i < this.values.length; i++) if (this.keys[i * 2] !== EMPTY) visit(this.keys[i * 2]! - 1, this.keys[i * 2 + 1]!);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldValues.length * 2;
    this.keys = new Int32Array(capacity * 2);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < oldValues.length; i++) {
      if (oldKeys[i * 2] !== EMPTY) this.set(oldKeys[i * 2]! - 1, oldKeys[i * 2 + 1]!, oldValues[i] as V);
    }
  }
}
