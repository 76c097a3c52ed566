// A full picture of a store as an admin sees it: every item from `/` down
// (get, with values and children) and its ACL (getAccess). Two snapshots that
// are equal mean that nothing a caller can observe changed.

import type { Session } from '../../src/index.js';

export interface ItemPicture {
  readonly item: unknown;
  readonly access: unknown;
}

/** Walks the tree depth-first in listing order. O(items) session calls. */
export async function snapshotOf(admin: Session): Promise<ItemPicture[]> {
  const pictures: ItemPicture[] = [];
  const visit = async (path: string): Promise<void> => {
    const item = await admin.get(path);
    const access = await admin.getAccess(path);
    pictures.push({ item, access });
    for (const child of item.children ?? []) await visit(path === '/' ? `/${child.name}` : `${path}/${child.name}`);
  };
  await visit('/');
  return pictures;
}
