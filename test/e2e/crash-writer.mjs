// Child process for the crash-safety e2e suite. Opens a LevelDB coffer store
// (from the built package, dist/), learns its tree by walking it, then runs a
// seeded sequence of operations one at a time until it is killed. For every
// operation it prints, as one JSON line on stdout:
//   {"t":"begin","n":…,"op":…}  before starting it (so the parent knows the one in flight)
//   {"t":"ack","n":…,…}         after it resolved (acknowledged: it must survive a crash)
// Lines are short (< PIPE_BUF) and stdout on a pipe is synchronous on Linux,
// so a line printed is a line the parent can read after the kill.
// Values can be large (up to ~60 KB, spanning LevelDB log blocks); the line
// holds a tag and a length, and both sides build the value with valueOf().
//
// With <self-kill n> and <mode>, the writer SIGKILLs itself during the adapter
// batch of operation n (or `create`: the batch that creates a new store): 'sync' right after handing the batch to LevelDB,
// 'immediate' on the next turn of the event loop (the write may be under way
// on libuv's thread pool, or done), so kills land inside a batch too.
//
// Usage: node crash-writer.mjs <directory> <key hex> <round> <seed> [<self-kill n> <mode>]

import { openStore } from '../../dist/src/index.js';
import { levelAdapter } from '../../dist/adapters/level/index.js';

const [directory, keyHex, roundText, seedText, selfKillText, selfKillMode] = process.argv.slice(2);
const round = Number(roundText);
// 'create': during the batch that creates a new store, in openStore.
const selfKillAt = selfKillText === undefined ? null : selfKillText === 'create' ? 'create' : Number(selfKillText);
let current = 'create'; // the operation under way: 'create' until openStore resolved, then its number
const ADMIN = { id: 'crash-admin', admin: true };
const MAX_OPERATIONS = 20_000;

/** The value an operation writes: `tag|` then the tag repeated, `length` characters in all. */
function valueOf(tag, length) {
  let text = `${tag}|`;
  while (text.length < length) text += tag;
  return text.slice(0, length);
}

// mulberry32: a small seeded PRNG.
let state = Number(seedText) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const hex8 = () => Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');

function print(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

const child = (parent, name) => (parent === '/' ? `/${name}` : `${parent}/${name}`);
const depth = (path) => (path === '/' ? 0 : path.split('/').length - 1);

print({ t: 'opening' });
const inner = levelAdapter(directory);
const adapter = {
  persistent: inner.persistent,
  open: () => inner.open(),
  close: () => inner.close(),
  get: (key) => inner.get(key),
  iterate: (range) => inner.iterate(range),
  batch(operations) {
    const writing = inner.batch(operations);
    if (current === selfKillAt) {
      if (selfKillMode === 'sync') process.kill(process.pid, 'SIGKILL');
      else setImmediate(() => process.kill(process.pid, 'SIGKILL'));
    }
    return writing;
  },
};
const store = await openStore({ adapter, key: new Uint8Array(Buffer.from(keyHex, 'hex')) });
current = 'opened';
const admin = store.as(ADMIN);

// The structure the choices need: directories with their children, secrets.
const directories = new Map(); // path -> Set of child paths
const secrets = new Set();
{
  const pending = ['/'];
  while (pending.length > 0) {
    const at = pending.shift();
    const view = await admin.get(at);
    if (view.type === 'directory') {
      const children = new Set();
      for (const c of view.children) {
        children.add(child(at, c.name));
        pending.push(child(at, c.name));
      }
      directories.set(at, children);
    } else {
      secrets.add(at);
    }
  }
}
print({ t: 'ready', items: directories.size + secrets.size });

function parentOf(path) {
  const cut = path.lastIndexOf('/');
  return cut === 0 ? '/' : path.slice(0, cut);
}

function chooseLength() {
  const r = random();
  if (r < 0.1) return 0;
  if (r < 0.7) return 1 + Math.floor(random() * 64);
  if (r < 0.9) return 1000 + Math.floor(random() * 4000);
  return 40_000 + Math.floor(random() * 20_000);
}

function choose(n) {
  const items = ['/', ...directories.keys(), ...secrets].filter((p, i, all) => all.indexOf(p) === i);
  const nonRoot = items.filter((p) => p !== '/');
  const deletable = [...secrets, ...[...directories].filter(([p, c]) => p !== '/' && c.size === 0).map(([p]) => p)];
  const r = random();
  const tag = `r${round}n${n}-${hex8()}`;
  if (r < 0.15) {
    const parent = pick([...directories.keys()].filter((p) => depth(p) < 4));
    return { op: 'mkdir', path: child(parent, `d${round}_${n}`) };
  }
  if (r < 0.45 || secrets.size === 0) {
    const parent = pick([...directories.keys()]);
    return { op: 'secret', path: child(parent, `s${round}_${n}`), tag, length: chooseLength() };
  }
  if (r < 0.7) return { op: 'patch', path: pick([...secrets]), tag, length: chooseLength() };
  if (r < 0.76 && nonRoot.length > 0) return { op: 'describe', path: pick(nonRoot), description: `desc ${tag}` };
  if (r < 0.86 && deletable.length > 0) return { op: 'delete', path: pick(deletable) };
  const entity = random() < 0.75 ? { type: 'user', id: `u${Math.floor(random() * 4)}` } : { type: 'group', id: `g${Math.floor(random() * 2)}` };
  if (r < 0.93) return { op: 'grant', path: pick(items), entity, access: random() < 0.5 ? 'read' : 'read_write' };
  if (r < 0.97) return { op: 'revoke', path: pick(items), entity };
  const target = pick(items);
  const subtree = directories.has(target) && random() < 0.5;
  const resource = subtree ? (target === '/' ? '/*' : `${target}/*`) : target;
  return { op: 'policy', name: `p r${round} n${n}`, resource, accessLevel: pick(['SM_View', 'SM_CRUD', 'SM_Manage']), member: `u${Math.floor(random() * 4)}` };
}

async function perform(o) {
  switch (o.op) {
    case 'mkdir': {
      const view = await admin.create(o.path, { type: 'directory' });
      directories.set(o.path, new Set());
      directories.get(parentOf(o.path)).add(o.path);
      return { id: view.id };
    }
    case 'secret': {
      const view = await admin.create(o.path, { type: 'secret', value: valueOf(o.tag, o.length) });
      secrets.add(o.path);
      directories.get(parentOf(o.path)).add(o.path);
      return { id: view.id, version: view.version };
    }
    case 'patch': {
      const view = await admin.patch(o.path, { value: valueOf(o.tag, o.length) });
      return { version: view.version };
    }
    case 'describe':
      await admin.patch(o.path, { description: o.description });
      return {};
    case 'delete':
      await admin.delete(o.path);
      secrets.delete(o.path);
      directories.delete(o.path);
      directories.get(parentOf(o.path)).delete(o.path);
      return {};
    case 'grant':
      await admin.putAccess(o.path, { entity: o.entity, access: o.access });
      return {};
    case 'revoke':
      await admin.deleteAccess(o.path, o.entity);
      return {};
    case 'policy': {
      const policy = await admin.policies.create({ name: o.name, resource: o.resource, accessLevel: o.accessLevel, members: { users: [{ id: o.member }] } });
      return { id: policy.id };
    }
    default:
      throw new Error(`unknown operation ${o.op}`);
  }
}

for (let n = 0; n < MAX_OPERATIONS; n++) {
  const operation = choose(n);
  print({ t: 'begin', n, ...operation });
  current = n;
  const result = await perform(operation);
  print({ t: 'ack', n, ...result });
}
print({ t: 'done' });
await store.close();
