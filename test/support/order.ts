// The order of every policy listing, written as a plain sort: the oracle the
// listing tests compare the store's incremental order with.

/** The ids of `policies` ordered as every policy listing orders them: lower-cased name (UTF-16), then id. */
export function byNameThenId(policies: Iterable<{ id: string; name: string }>): string[] {
  return [...policies]
    .sort((a, b) => {
      const x = a.name.toLowerCase();
      const y = b.name.toLowerCase();
      if (x !== y) return x < y ? -1 : 1;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    })
    .map((p) => p.id);
}
