// Page tokens of policy listings: a position (direction, sort key, id),
// base64url JSON signed with the store's tokens key, so a tampered token is
// VALIDATION. A token names a position, not an offset: it stays valid while
// policies are added and removed.

import type { StoreKeys } from './crypto.js';
import type { PagePosition, TokenCodec } from './core/listing.js';

export function tokenCodec(keys: StoreKeys): TokenCodec {
  return {
    encode(position) {
      const body = Buffer.from(JSON.stringify([position.direction === 'next' ? 'n' : 'p', position.sortKey, position.id])).toString('base64url');
      return `${body}.${keys.sign(body)}`;
    },
    decode(token) {
      const [body, signature, extra] = token.split('.');
      if (body === undefined || signature === undefined || extra !== undefined || !keys.verify(body, signature)) return undefined;
      try {
        const [d, sortKey, id] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown[];
        if ((d !== 'n' && d !== 'p') || typeof sortKey !== 'string' || typeof id !== 'string') return undefined;
        return { direction: d === 'n' ? 'next' : 'prev', sortKey, id } satisfies PagePosition;
      } catch {
        return undefined;
      }
    },
  };
}
