// The decision workload (issue "Policies and the decision procedure"): one
// seeded model of secrets, users, groups, policies and queries, shared by every
// system the decision benchmarks compare (coffer, the naive floor, later peers).
//
//   secrets  /t{0..T-1}/a{0..A-1}/s{0..S-1}      (100 × 10 × 100 = 100k)
//   users    u{0..U-1}, each in 3 of G groups     (1k users, 100 groups)
//   policies each grants read to one user or group on one resource: an exact
//            secret, /t{i}/a{j}/* or /t{i}/*; 10 % are Deny, most narrowing an
//            existing grant (same subject, a resource inside the granted one)
//   queries  a seeded mix: aimed at grants, aimed at denies, random

import { seededRandom } from './lib.mjs';

export function makeModel({ tops = 100, mids = 10, leaves = 100, users = 1000, groups = 100, policies = 10_000, queries = 100_000, seed = 7 } = {}) {
  const random = seededRandom(seed);
  const int = (n) => Math.floor(random() * n);
  const userGroups = [];
  for (let u = 0; u < users; u++) {
    const set = new Set();
    while (set.size < 3) set.add(`g${int(groups)}`);
    userGroups.push([...set]);
  }
  const randomResource = () => {
    const kind = random();
    const t = int(tops);
    const a = int(mids);
    if (kind < 0.5) return `/t${t}/a${a}/s${int(leaves)}`;
    if (kind < 0.85) return `/t${t}/a${a}/*`;
    return `/t${t}/*`;
  };
  const randomSubject = () => (random() < 0.5 ? { type: 'user', id: `u${int(users)}` } : { type: 'group', id: `g${int(groups)}` });
  // A resource inside `resource` (for a Deny that narrows a grant).
  const inside = (resource) => {
    const parts = resource.split('/');
    if (parts.length === 3) return random() < 0.5 ? `/${parts[1]}/a${int(mids)}/*` : `/${parts[1]}/a${int(mids)}/s${int(leaves)}`; // /t/*
    if (parts.length === 4 && parts[3] === '*') return `/${parts[1]}/${parts[2]}/s${int(leaves)}`; // /t/a/*
    return resource;
  };
  const list = [];
  const allows = [];
  for (let k = 0; k < policies; k++) {
    const isDeny = random() < 0.1;
    if (isDeny && allows.length > 0 && random() < 0.8) {
      const base = allows[int(allows.length)];
      list.push({ name: `p${k}`, subject: base.subject, resource: inside(base.resource), accessType: 'Deny' });
    } else {
      const policy = { name: `p${k}`, subject: randomSubject(), resource: randomResource(), accessType: isDeny ? 'Deny' : 'Allow' };
      list.push(policy);
      if (!isDeny) allows.push(policy);
    }
  }
  const denies = list.filter((p) => p.accessType === 'Deny');
  const userOf = (subject) => (subject.type === 'user' ? Number(subject.id.slice(1)) : userGroups.findIndex((gs) => gs.includes(subject.id)));
  const concrete = (resource) => {
    const parts = resource.split('/');
    if (parts.length === 3) return `/${parts[1]}/a${int(mids)}/s${int(leaves)}`;
    if (parts[3] === '*') return `/${parts[1]}/${parts[2]}/s${int(leaves)}`;
    return resource;
  };
  const qs = [];
  for (let q = 0; q < queries; q++) {
    const kind = random();
    if (kind < 0.4 && allows.length > 0) {
      const p = allows[int(allows.length)];
      const user = userOf(p.subject);
      qs.push({ user: user < 0 ? int(users) : user, path: concrete(p.resource) });
    } else if (kind < 0.6 && denies.length > 0) {
      const p = denies[int(denies.length)];
      const user = userOf(p.subject);
      qs.push({ user: user < 0 ? int(users) : user, path: concrete(p.resource) });
    } else qs.push({ user: int(users), path: `/t${int(tops)}/a${int(mids)}/s${int(leaves)}` });
  }
  return { tops, mids, leaves, users, groups, userGroups, policies: list, queries: qs };
}

/** A model policy as the body coffer's `policies.create` takes (SM_View, one user or group). */
export function cofferPolicyBody(p) {
  return {
    name: p.name,
    resource: p.resource,
    accessLevel: 'SM_View',
    accessType: p.accessType,
    members: p.subject.type === 'user' ? { users: [{ id: p.subject.id }] } : { tags: [{ id: p.subject.id }] },
  };
}

/**
 * The in-process floor: a Map keyed by `subject|resource` and a walk over the
 * path's ancestor patterns (Deny first, then Allow, else default deny).
 */
export function makeFloor(model) {
  const rules = new Map();
  for (const p of model.policies) {
    const key = `${p.subject.type === 'user' ? 'u:' : 'g:'}${p.subject.id}|${p.resource}`;
    const current = rules.get(key);
    if (current !== 'Deny') rules.set(key, p.accessType);
  }
  const subjectsOf = model.userGroups.map((gs, u) => [`u:u${u}`, ...gs.map((g) => `g:${g}`)]);
  return {
    decide(user, path) {
      const parts = path.split('/');
      const patterns = [path, `/${parts[1]}/${parts[2]}/*`, `/${parts[1]}/*`];
      let allowed = false;
      for (const subject of subjectsOf[user]) {
        for (const pattern of patterns) {
          const effect = rules.get(`${subject}|${pattern}`);
          if (effect === 'Deny') return false;
          if (effect === 'Allow') allowed = true;
        }
      }
      return allowed;
    },
  };
}

/** The queries without repeats (first occurrence kept), so no pass asks one twice. */
export function uniqueQueries(queries) {
  const seen = new Set();
  const out = [];
  for (const q of queries) {
    const key = `${q.user}|${q.path}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(q);
    }
  }
  return out;
}

// ------------------------------------------------------------------ casbin
// Groups are roles (g = user, group); a policy row is (subject, resource,
// action, effect) with the resource as a keyMatch pattern (`/t1/a2/*` matches
// everything below /t1/a2/; `/t1/*` everything below /t1/; an exact secret only
// itself); the effect is deny-override. The same reading as the model's.

export const CASBIN_MODEL = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act, eft

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = g(r.sub, p.sub) && keyMatch(r.obj, p.obj) && r.act == p.act
`;

/** casbin policy rows for `policies` (duplicates dropped: casbin refuses them). */
export function casbinRules(policies) {
  const seen = new Set();
  const rows = [];
  for (const p of policies) {
    const row = [p.subject.id, p.resource, 'read', p.accessType === 'Deny' ? 'deny' : 'allow'];
    const key = row.join('\u0000');
    if (!seen.has(key)) {
      seen.add(key);
      rows.push(row);
    }
  }
  return rows;
}

/** casbin grouping rows: each user in its groups. */
export function casbinGroupings(model) {
  return model.userGroups.flatMap((groups, u) => groups.map((g) => [`u${u}`, g]));
}

// ------------------------------------------------------------------ Cedar
// Users are User entities whose parents are their Group entities; items are a
// resource hierarchy (Item "/t1/a2/s3" in Item "/t1/a2" in Item "/t1"); a path
// pattern `/x/*` is `resource in Item::"/x"` (the item itself and everything
// below it, as coffer reads it), an exact secret `resource == Item::"…"`; Deny
// is forbid, which Cedar lets override every permit; default deny.

/** Cedar policy text, one statement per policy, in the model's order. */
export function cedarPolicyText(policies) {
  const lines = [];
  for (const p of policies) {
    const principal = p.subject.type === 'user' ? `principal == User::"${p.subject.id}"` : `principal in Group::"${p.subject.id}"`;
    const resource = p.resource.endsWith('/*') ? `resource in Item::"${p.resource.slice(0, -2)}"` : `resource == Item::"${p.resource}"`;
    lines.push(`${p.accessType === 'Deny' ? 'forbid' : 'permit'}(${principal}, action == Action::"read", ${resource});`);
  }
  return lines.join('\n');
}

/**
 * Per-request Cedar inputs: the principal with its groups (made once per user,
 * as coffer's sessions are) and the resource with its ancestors (made per call).
 */
export function cedarRequests(model) {
  const userEntities = model.userGroups.map((groups, u) => [
    { uid: { type: 'User', id: `u${u}` }, attrs: {}, parents: groups.map((g) => ({ type: 'Group', id: g })) },
    ...groups.map((g) => ({ uid: { type: 'Group', id: g }, attrs: {}, parents: [] })),
  ]);
  const action = { type: 'Action', id: 'read' };
  return (user, path, preparsedPolicySetId) => {
    const second = path.indexOf('/', 1);
    const third = path.indexOf('/', second + 1);
    const top = path.slice(0, second);
    const mid = path.slice(0, third);
    return {
      principal: { type: 'User', id: `u${user}` },
      action,
      resource: { type: 'Item', id: path },
      context: {},
      preparsedPolicySetId,
      entities: [
        ...userEntities[user],
        { uid: { type: 'Item', id: path }, attrs: {}, parents: [{ type: 'Item', id: mid }] },
        { uid: { type: 'Item', id: mid }, attrs: {}, parents: [{ type: 'Item', id: top }] },
        { uid: { type: 'Item', id: top }, attrs: {}, parents: [] },
      ],
    };
  };
}
