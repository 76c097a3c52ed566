// Decision workload (issue 7, workload 1): coffer's can() side by side with
// casbin, Cedar (cedar-wasm) and the naive in-process floor, on one seeded model
// (bench/decision-workload.mjs) at several policy counts, in one process.
//
//   npm run build && node --expose-gc bench/decision.mjs [--quick | --tiny]
//
// For every policy count:
//   1. each system is loaded with the same policies (coffer through its public
//      API, casbin as rows + groupings, Cedar as policy text, preparsed once);
//   2. agreement: every system answers a sample of queries, compared with the
//      floor (coffer on the whole agreement set, the peers on a prefix of it);
//   3. timing, on queries disjoint from the agreement set and without repeats,
//      so no system is timed on a question it was asked before in that pass.
//      coffer and the floor take µs, so a sample is a batch of BATCH calls
//      divided by BATCH (one hrtime call costs ~90 ns), the two alternating in
//      blocks of 40 batches;
//      the peers take ms, so a sample is one call, on a fixed-size prefix of the
//      timed queries (PEER_TIMED), chosen so a peer cell stays near ≤ 20 s.
//      Timed answers are compared with the floor's afterwards (timedAgree).
// Writes bench/results/decision[-quick|-tiny].json.

import { newEnforcer, newModelFromString } from 'casbin';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { openStore } from '../dist/src/index.js';
import { memoryAdapter } from '../dist/adapters/memory/index.js';
import { engineOf } from '../dist/src/store.js';
import { memberKeysOf } from '../dist/src/core/state/grants.js';
import { cofferPolicyBody, makeModel, makeFloor, uniqueQueries, CASBIN_MODEL, casbinRules, casbinGroupings, cedarPolicyText, cedarRequests } from './decision-workload.mjs';
import { percentiles, heapMB, isMain, modeOf, opsPerSecond, writeResult } from './lib.mjs';

export const SYSTEMS = ['coffer', 'casbin', 'cedar', 'floor'];

export const PRESETS = {
  full: {
    shape: { tops: 100, mids: 10, leaves: 100 },
    users: 1000,
    groups: 100,
    counts: [1_000, 10_000, 100_000],
    queries: 200_000,
    agreeQueries: 20_000,
    peerAgree: { 1000: 500, 10000: 200, 100000: 30 },
    peerTimed: { 1000: 2000, 10000: 500, 100000: 60 },
    batch: 50,
  },
  quick: {
    shape: { tops: 20, mids: 10, leaves: 50 },
    users: 1000,
    groups: 100,
    counts: [1_000, 10_000],
    queries: 40_000,
    agreeQueries: 5_000,
    peerAgree: { 1000: 200, 10000: 50 },
    peerTimed: { 1000: 500, 10000: 100 },
    batch: 50,
  },
  tiny: {
    shape: { tops: 4, mids: 3, leaves: 8 },
    users: 20,
    groups: 5,
    counts: [20, 100],
    queries: 600,
    agreeQueries: 150,
    peerAgree: { 20: 150, 100: 150 },
    peerTimed: { 20: 50, 100: 50 },
    batch: 10,
  },
};

const ADMIN = { id: 'bench-admin', admin: true };
const ACTION = 'sm.secret.read';

async function buildCoffer(model) {
  const store = await openStore({ adapter: memoryAdapter() });
  const admin = store.as(ADMIN);
  for (let t = 0; t < model.tops; t++) {
    await admin.create(`/t${t}`, { type: 'directory' });
    for (let a = 0; a < model.mids; a++) {
      await admin.create(`/t${t}/a${a}`, { type: 'directory' });
      for (let s = 0; s < model.leaves; s++) await admin.create(`/t${t}/a${a}/s${s}`, { type: 'secret', value: 'v' });
    }
  }
  return { store, admin, sessions: model.userGroups.map((groups, u) => store.as({ id: `u${u}`, groups })) };
}

async function addCofferPolicies(admin, policies) {
  for (const p of policies) {
    await admin.policies.create(cofferPolicyBody(p));
  }
}

async function buildCasbin(model, policies) {
  const enforcer = await newEnforcer(newModelFromString(CASBIN_MODEL));
  await enforcer.addGroupingPolicies(casbinGroupings(model));
  // All rows at once into an empty policy: casbin checks each new row against
  // the existing ones by a linear scan, so adding in steps would be quadratic.
  const rows = casbinRules(policies);
  if (!(await enforcer.addPolicies(rows))) throw new Error('casbin refused the policy rows');
  return { enforcer, rows: rows.length };
}

function loadCedar(policies) {
  const answer = cedar.preparsePolicySet('bench', { staticPolicies: cedarPolicyText(policies) });
  if (answer.type !== 'success') throw new Error(`cedar could not parse the policies: ${JSON.stringify(answer.errors).slice(0, 500)}`);
}

function cedarAllowed(answer) {
  if (answer.type !== 'success') throw new Error(`cedar failed: ${JSON.stringify(answer.errors).slice(0, 500)}`);
  if (answer.response.diagnostics.errors.length > 0) throw new Error(`cedar policy errors: ${JSON.stringify(answer.response.diagnostics.errors).slice(0, 500)}`);
  return answer.response.decision === 'allow';
}

/**
 * What a read decision touches, per query, counted (outside any timing) with
 * the policy index's own structures — internals, read here only to explain
 * the figures: the items walked, the table probes the member filter lets
 * through, the probes that find an anchor, and the placed candidates read.
 */
function anatomy(coffer, queries) {
  const state = engineOf(coffer.store).state();
  const counts = { items: 0, probes: 0, hits: 0, candidates: 0 };
  for (const q of queries) {
    const members = state.grants.membersOf(memberKeysOf(coffer.sessions[q.user].principal));
    const seen = state.grants.anatomyOf(members, state.items.at(q.path).ordinal);
    for (const key of Object.keys(counts)) counts[key] += seen[key];
  }
  const per = (n) => +(n / queries.length).toFixed(2);
  return { queries: queries.length, items: per(counts.items), probes: per(counts.probes), hits: per(counts.hits), candidates: per(counts.candidates) };
}

const seconds = (t0) => Math.round((performance.now() - t0) / 10) / 100;

/**
 * Runs the decision workload. Options override the preset of `mode`
 * ('full' | 'quick' | 'tiny'); `systems` picks a subset (the floor always runs:
 * it is the reference answers); `log` receives progress lines.
 */
export async function runDecision(options = {}) {
  const mode = options.mode ?? 'full';
  const cfg = { ...PRESETS[mode], ...options };
  const log = cfg.log ?? console.log;
  const systems = SYSTEMS.filter((s) => s === 'floor' || (cfg.systems ?? SYSTEMS).includes(s));
  const counts = [...cfg.counts].sort((a, b) => a - b);
  const maxCount = counts[counts.length - 1];
  const peerAgreeAt = (count) => cfg.peerAgree?.[count] ?? Math.min(500, Math.max(30, Math.round(500_000 / count)));
  const peerTimedAt = (count) => cfg.peerTimed?.[count] ?? Math.min(2000, Math.max(40, Math.round(5_000_000 / count)));

  const started = performance.now();
  const model = makeModel({ ...cfg.shape, users: cfg.users, groups: cfg.groups, policies: maxCount, queries: cfg.queries, seed: cfg.seed ?? 7 });
  const unique = uniqueQueries(model.queries);
  const agreeSet = unique.slice(0, cfg.agreeQueries);
  const timedSet = unique.slice(cfg.agreeQueries);
  if (agreeSet.length === 0 || timedSet.length === 0) throw new Error('too few distinct queries for an agreement set and a timed set');
  const secrets = model.tops * model.mids * model.leaves;

  let coffer;
  let cofferBuildSeconds = 0;
  if (systems.includes('coffer')) {
    const t0 = performance.now();
    coffer = await buildCoffer(model);
    cofferBuildSeconds = seconds(t0);
    log(`decision: coffer holds ${secrets} secrets (+ ${model.tops * (model.mids + 1)} directories), built in ${cofferBuildSeconds} s`);
  }
  const cedarRequest = cedarRequests(model);

  const rows = [];
  let added = 0;
  for (const count of counts) {
    const policies = model.policies.slice(0, count);
    const denies = policies.filter((p) => p.accessType === 'Deny').length;
    const floor = makeFloor({ ...model, policies });
    const floorAgree = agreeSet.map((q) => floor.decide(q.user, q.path));
    const row = { policies: count, denies, systems: {} };
    const load = {};
    if (coffer) {
      const t0 = performance.now();
      await addCofferPolicies(coffer.admin, model.policies.slice(added, count));
      added = count;
      load.coffer = seconds(t0);
    }
    let casbin;
    if (systems.includes('casbin')) {
      const t0 = performance.now();
      casbin = await buildCasbin(model, policies);
      load.casbin = seconds(t0);
    }
    if (systems.includes('cedar')) {
      const t0 = performance.now();
      loadCedar(policies);
      load.cedar = seconds(t0);
    }
    row.heapMB = heapMB();

    // ---- agreement, before any timing (it also warms every system up)
    const peerAgreeN = Math.min(peerAgreeAt(count), agreeSet.length);
    const agree = {};
    const check = async (name, n, decide) => {
      let same = 0;
      for (let i = 0; i < n; i++) if ((await decide(agreeSet[i])) === floorAgree[i]) same++;
      agree[name] = { agree: same, checked: n };
    };
    agree.floor = { agree: agreeSet.length, checked: agreeSet.length };
    if (coffer) await check('coffer', agreeSet.length, async (q) => (await coffer.sessions[q.user].can(ACTION, q.path)).allowed);
    if (casbin) await check('casbin', peerAgreeN, (q) => casbin.enforcer.enforceSync(`u${q.user}`, q.path, 'read'));
    if (systems.includes('cedar')) await check('cedar', peerAgreeN, (q) => cedarAllowed(cedar.statefulIsAuthorized(cedarRequest(q.user, q.path, 'bench'))));
    log(`decision: ${count} policies (${denies} Deny) — agreement with the floor: ${systems.map((s) => `${s} ${agree[s].agree}/${agree[s].checked}`).join(', ')}`);

    // ---- timing: coffer and the floor over every timed query, alternating in
    // blocks of BLOCK batches (long enough that each runs with its own data in
    // cache, short enough that background noise falls on both)
    const batch = cfg.batch;
    const block = batch * (cfg.blockBatches ?? 40);
    // A full collection first, so neither system is timed while the collector
    // is still busy with the garbage of the load above (the first count follows
    // the 100k item writes).
    globalThis.gc?.();
    const floorAnswers = new Uint8Array(timedSet.length);
    const cofferAnswers = new Uint8Array(timedSet.length);
    const floorSamples = [];
    const cofferSamples = [];
    const timedN = timedSet.length - (timedSet.length % batch);
    for (let from = 0; from < timedN; from += block) {
      const to = Math.min(timedN, from + block);
      for (let i = from; i < to; i += batch) {
        const start = process.hrtime.bigint();
        for (let k = i; k < i + batch; k++) floorAnswers[k] = floor.decide(timedSet[k].user, timedSet[k].path) ? 1 : 0;
        floorSamples.push(Number(process.hrtime.bigint() - start) / batch);
      }
      if (coffer) {
        for (let i = from; i < to; i += batch) {
          const start = process.hrtime.bigint();
          for (let k = i; k < i + batch; k++) cofferAnswers[k] = (await coffer.sessions[timedSet[k].user].can(ACTION, timedSet[k].path)).allowed ? 1 : 0;
          cofferSamples.push(Number(process.hrtime.bigint() - start) / batch);
        }
      }
    }
    const sameAsFloor = (answers, n) => {
      let same = 0;
      for (let k = 0; k < n; k++) if (answers[k] === floorAnswers[k]) same++;
      return same;
    };
    const cell = (name, samples, queries, perSample, answers) => {
      const ns = percentiles(Float64Array.from(samples));
      row.systems[name] = {
        ...agree[name],
        timedQueries: queries,
        timedAgree: answers === undefined ? queries : sameAsFloor(answers, queries),
        sample: perSample === 1 ? 'one call' : `mean of ${perSample} calls`,
        ns,
        opsPerSec: opsPerSecond(ns.mean),
        loadSeconds: load[name] ?? 0,
      };
    };
    cell('floor', floorSamples, timedN, batch);
    row.allowedTimed = floorAnswers.reduce((n, a) => n + a, 0); // how many timed queries the floor allows
    row.allowedAgree = floorAgree.filter(Boolean).length;
    if (coffer) cell('coffer', cofferSamples, timedN, batch, cofferAnswers);
    if (coffer) row.anatomy = anatomy(coffer, timedSet.slice(0, 20_000));

    // ---- timing: the peers, one call per sample, on a prefix of the timed queries
    const peerN = Math.min(peerTimedAt(count), timedSet.length);
    const timePeer = (name, decide) => {
      globalThis.gc?.();
      const answers = new Uint8Array(peerN);
      const samples = new Float64Array(peerN);
      for (let k = 0; k < peerN; k++) {
        const q = timedSet[k];
        const start = process.hrtime.bigint();
        const allowed = decide(q);
        samples[k] = Number(process.hrtime.bigint() - start);
        answers[k] = allowed ? 1 : 0;
      }
      cell(name, samples, peerN, 1, answers);
    };
    if (casbin) timePeer('casbin', (q) => casbin.enforcer.enforceSync(`u${q.user}`, q.path, 'read'));
    if (systems.includes('cedar')) timePeer('cedar', (q) => cedarAllowed(cedar.statefulIsAuthorized(cedarRequest(q.user, q.path, 'bench'))));
    if (casbin) row.systems.casbin.rows = casbin.rows;
    casbin = undefined;

    // coffer's p50 divided by each system's p50 (below 1: coffer is faster)
    row.cofferOver = {};
    if (coffer) for (const s of systems) if (s !== 'coffer') row.cofferOver[s] = +(row.systems.coffer.ns.p50 / row.systems[s].ns.p50).toPrecision(3);
    row.agreed = systems.every((s) => row.systems[s].agree === row.systems[s].checked && row.systems[s].timedAgree === row.systems[s].timedQueries);
    rows.push(row);
    log(
      `decision: ${count} policies — ` +
        systems.map((s) => `${s} p50 ${fmtNs(row.systems[s].ns.p50)} p99 ${fmtNs(row.systems[s].ns.p99)} (${row.systems[s].timedQueries} q)`).join(' | ') +
        (row.agreed ? '' : '   ✗ DISAGREEMENT'),
    );
  }
  if (coffer) await coffer.store.close();

  const growth = {};
  for (const s of systems) growth[s] = +(rows[rows.length - 1].systems[s].ns.p50 / rows[0].systems[s].ns.p50).toPrecision(3);
  return {
    config: { shape: cfg.shape, secrets, users: cfg.users, groups: cfg.groups, counts, queries: model.queries.length, distinctQueries: unique.length, agreeQueries: agreeSet.length, timedQueries: timedSet.length, batch: cfg.batch, blockBatches: cfg.blockBatches ?? 40, seed: cfg.seed ?? 7, peerAgree: Object.fromEntries(counts.map((c) => [c, Math.min(peerAgreeAt(c), agreeSet.length)])), peerTimed: Object.fromEntries(counts.map((c) => [c, Math.min(peerTimedAt(c), timedSet.length)])) },
    systems,
    cofferBuildSeconds,
    rows,
    growth,
    agreed: rows.every((r) => r.agreed),
    seconds: seconds(started),
  };
}

export function fmtNs(ns) {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(ns >= 1e8 ? 0 : 2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(ns >= 1e5 ? 0 : 2)} µs`;
  return `${Math.round(ns)} ns`;
}

if (isMain(import.meta.url)) {
  const mode = modeOf();
  const result = await runDecision({ mode });
  const file = await writeResult('decision', mode, result);
  console.log(`decision: growth of p50 from ${result.config.counts[0]} to ${result.config.counts.at(-1)} policies: ${Object.entries(result.growth).map(([s, g]) => `${s} ${g}×`).join(', ')}`);
  console.log(`decision: wrote ${file} (${result.seconds} s)`);
  if (!result.agreed) {
    console.error('decision: the systems disagree (see agree / timedAgree in the result)');
    process.exitCode = 1;
  }
}
