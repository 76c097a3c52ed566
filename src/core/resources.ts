// Policy resources: `*` (everything), `/` (the root only), `/*`
// (every item), an item path (that item) or an item path + `/*` (that item and
// everything below it). Path resources are bound to the item they name.

import { checkPath, ROOT_PATH, type ParsedPath } from './paths.js';
import { validationError, type ErrorDetail } from './errors.js';

export type ResourceKind = 'any' | 'exact' | 'subtree';

/** A parsed resource. `path` is the named item's path (the root for `/`, `/*` and `*`). */
export interface ResourceTarget {
  readonly text: string;
  readonly kind: ResourceKind;
  readonly path: ParsedPath;
}

export const ANY_RESOURCE: ResourceTarget = Object.freeze({ text: '*', kind: 'any', path: ROOT_PATH });

/** Every problem of a resource string, or the target. `*` may appear only as the whole last segment. */
export function checkResource(input: unknown, pointer = '/resource'): { target: ResourceTarget } | { problems: ErrorDetail[] } {
  if (typeof input !== 'string') return { problems: [{ pointer, message: 'must be a string' }] };
  if (input === '*') return { target: ANY_RESOURCE };
  const isSubtree = input === '/*' || input.endsWith('/*');
  const pathText = isSubtree ? (input === '/*' ? '/' : input.slice(0, -2)) : input;
  // `//*`, `/a//*`: the segment before `/*` is empty (only `/*` itself names the root's subtree).
  if (isSubtree && input !== '/*' && pathText.endsWith('/')) return { problems: [{ pointer, message: 'has an empty segment before `/*`' }] };
  const checked = checkPath(pathText, pointer);
  if ('problems' in checked) return checked;
  const path = checked.path;
  return { target: { text: isSubtree ? (path.path === '/' ? '/*' : `${path.path}/*`) : path.path, kind: isSubtree ? 'subtree' : 'exact', path } };
}

export function parseResource(input: unknown, pointer = '/resource'): ResourceTarget {
  const checked = checkResource(input, pointer);
  if ('problems' in checked) throw validationError(checked.problems);
  return checked.target;
}

/** True for `*`, `/` and `/*`, which never die. */
function isUndying(target: ResourceTarget): boolean {
  return target.kind === 'any' || target.path.segments.length === 0;
}

/**
 * `parents(R)`: the ancestors of R's item, root first; `["/"]`
 * for `*`, `/` and `/*`.
 */
export function parentsOf(target: ResourceTarget): string[] {
  if (isUndying(target)) return ['/'];
  const out = ['/'];
  let current = '';
  for (const segment of target.path.segments.slice(0, -1)) {
    current += '/' + segment;
    out.push(current);
  }
  return out;
}
