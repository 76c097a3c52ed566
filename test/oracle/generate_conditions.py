#!/usr/bin/env python3
"""Independent oracle for coffer's conditions (SPEC §7).

Writes test/oracle/conditions-fixture.json: (condition, request) -> outcome cases
decided by Python's `zoneinfo` (the system tz database) and `ipaddress`, which
share no code with coffer's luxon / ipaddr.js implementation. The vitest suite
test/core/conditions/oracle.test.ts replays every case against coffer.

Regenerate (python3 >= 3.9, no packages needed; node on PATH):

    python3 test/oracle/generate_conditions.py

The run is deterministic for a given seed and tz database. Node's ICU and the
system tz database are different releases, so every (zone, instant) the cases
depend on is also asked of Node's Intl (a few lines of plain JS run by `node`,
not coffer's code); a group whose offsets disagree is dropped and counted.
"""

import ipaddress
import json
import os
import platform
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

SEED = 7_2024_0607
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "conditions-fixture.json")

# Zones with the rules the SPEC calls out: US and EU DST, a 30-minute DST (Lord Howe),
# clocks changing at midnight (Santiago, Havana), the skipped day 2011-12-30 (Apia),
# no DST (Honolulu, the seed's zone; Kolkata +5:30; Kathmandu +5:45), a link (US/Eastern).
ZONES = [
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Havana",
    "Pacific/Apia",
    "Pacific/Honolulu",
    "UTC",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Europe/London",
    "US/Eastern",
    "Australia/Adelaide",
]
YEARS = (2006, 2024)  # years both tz releases agree on (checked against Node below)
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]

rng = random.Random(SEED)
DAY = 86400


# ---------------------------------------------------------------- time helpers

def offset_at(zone, ts):
    """UTC offset (seconds) of `zone` at epoch second `ts`."""
    return int(datetime.fromtimestamp(ts, ZoneInfo(zone)).utcoffset().total_seconds())


def transitions(zone, start_year, end_year):
    """Epoch seconds where the offset of `zone` changes, found by a day scan and bisection."""
    start = int(datetime(start_year, 1, 1, tzinfo=timezone.utc).timestamp())
    end = int(datetime(end_year + 1, 1, 1, tzinfo=timezone.utc).timestamp())
    out = []
    prev_t, prev_o = start, offset_at(zone, start)
    t = start + DAY
    while t <= end:
        o = offset_at(zone, t)
        if o != prev_o:
            lo, hi = prev_t, t
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset_at(zone, mid) == prev_o:
                    lo = mid
                else:
                    hi = mid
            out.append(hi)
        prev_t, prev_o = t, o
        t += DAY
    return out


def instant_of_local(zone, text):
    """SPEC §7.2's "compatible" rule is Python's fold=0: earlier instant in an overlap,
    the offset before the transition in a gap (= moved forward by the gap)."""
    d = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(zone), fold=0)
    return int(d.timestamp())


def local_text(zone, ts):
    return datetime.fromtimestamp(ts, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


def wall_clock(zone, ts):
    d = datetime.fromtimestamp(ts, ZoneInfo(zone))
    return d.weekday(), d.hour * 3600 + d.minute * 60 + d.second, d.strftime("%Y-%m-%d %H:%M:%S ") + WEEKDAYS[d.weekday()]


def seconds_of(text):
    h, m, s = (int(x) for x in text.split(":"))
    return h * 3600 + m * 60 + s


def hms(sec):
    return "%02d:%02d:%02d" % (sec // 3600, sec // 60 % 60, sec % 60)


def days_holds(sched, ts):
    """SPEC §7.2 daysSchedule at epoch second ts."""
    d, s, _ = wall_clock(sched.get("timezone", "UTC"), ts)
    days = {x.upper() for x in sched.get("days") or []} or set(WEEKDAYS)
    f, t = seconds_of(sched["fromTime"]), seconds_of(sched["toTime"])
    today = WEEKDAYS[d] in days
    yesterday = WEEKDAYS[(d - 1) % 7] in days
    if f <= t:
        return today and f <= s <= t
    return (today and s >= f) or (yesterday and s <= t)


def random_instant(year_from=YEARS[0], year_to=YEARS[1]):
    a = int(datetime(year_from, 1, 1, tzinfo=timezone.utc).timestamp())
    b = int(datetime(year_to, 12, 31, tzinfo=timezone.utc).timestamp())
    return rng.randint(a, b)


TRANSITIONS = {z: transitions(z, YEARS[0], YEARS[1]) for z in ZONES}
APIA_SKIP = int(datetime(2011, 12, 30, 10, 0, tzinfo=timezone.utc).timestamp())  # 2011-12-29 24:00 -10 -> 2011-12-31 00:00 +14


def near_transition(zone):
    """An epoch second at or near one of the zone's transitions (or a random one if it has none)."""
    ts = TRANSITIONS[zone]
    if zone == "Pacific/Apia" and rng.random() < 0.5:
        base = APIA_SKIP
    elif ts:
        base = rng.choice(ts)
    else:
        return random_instant()
    return base + rng.choice([0, -1, 1, -60, 60, -1800, 1800, -3600, 3600, -5400, 5400, -DAY, DAY, rng.randint(-2 * DAY, 2 * DAY)])


def ms_around(sec):
    """A request time in ms whose truncation to seconds is `sec`."""
    return sec * 1000 + rng.choice([0, 0, 1, 500, 999])


# ---------------------------------------------------------------- IP helpers

def random_v4_network():
    prefix = rng.choice([0, 1, 7, 8, 12, 16, 19, 24, 25, 30, 31, 32, rng.randint(0, 32)])
    addr = ipaddress.IPv4Address(rng.getrandbits(32))
    return f"{addr}/{prefix}" if prefix != 32 or rng.random() < 0.5 else str(addr)


def v6_text(addr):
    """One of the valid textual forms of an IPv6 address."""
    forms = [addr.compressed, addr.exploded, addr.compressed.upper()]
    packed = int(addr)
    tail = ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    head = ipaddress.IPv6Address(packed & ~0xFFFFFFFF)
    head_text = head.compressed
    forms.append(":".join(head.exploded.split(":")[:6]) + ":" + str(tail))
    if head_text.endswith("::") and head_text.count(":") <= 6:
        forms.append(head_text + str(tail))
    text = rng.choice(forms)
    assert ipaddress.IPv6Address(text) == addr, text
    return text


def random_v6_network():
    prefix = rng.choice([0, 16, 32, 48, 56, 64, 65, 96, 112, 120, 127, 128, rng.randint(0, 128)])
    kind = rng.random()
    if kind < 0.6:
        addr = ipaddress.IPv6Address((0x2001_0DB8 << 96) | rng.getrandbits(96))
    elif kind < 0.8:
        addr = ipaddress.IPv6Address(rng.getrandbits(128))
    else:  # IPv4-compatible (::a.b.c.d) — not mapped; ipaddr.js alone misreads it
        addr = ipaddress.IPv6Address(rng.getrandbits(32))
        prefix = rng.choice([96, 100, 112, 128])
    text = v6_text(addr)
    return f"{text}/{prefix}" if prefix != 128 or rng.random() < 0.5 else text


def random_mapped_network():
    v4 = ipaddress.IPv4Address(rng.getrandbits(32))
    prefix = rng.choice([96, 104, 112, 120, 128, rng.randint(96, 128)])
    text = rng.choice([f"::ffff:{v4}", ipaddress.IPv6Address((0xFFFF << 32) | int(v4)).compressed, f"0:0:0:0:0:FFFF:{v4}"])
    return f"{text}/{prefix}"


def network_of(entry):
    """SPEC §7.1 meaning of one valid entry, with Python's ipaddress."""
    net = ipaddress.ip_network(entry, strict=False)
    if net.version == 6 and net.network_address.ipv4_mapped is not None:
        assert net.prefixlen >= 96
        return ipaddress.ip_network(f"{net.network_address.ipv4_mapped}/{net.prefixlen - 96}", strict=False)
    return net


def client_of(text):
    """SPEC §7.1 request IP: None when absent, unparseable or zoned; mapped -> IPv4."""
    if text is None or "%" in text:
        return None
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    if addr.version == 6 and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def ip_holds(entries, client_text):
    client = client_of(client_text)
    if client is None:
        return False
    return any(client.version == n.version and client in n for n in (network_of(e) for e in entries))


def clients_for(entries):
    out = []
    for entry in rng.sample(entries, min(len(entries), 3)):
        net = network_of(entry)
        first, last = int(net.network_address), int(net.broadcast_address)
        size = 32 if net.version == 4 else 128
        for value in (first, last, rng.randint(first, last), first - 1, last + 1):
            if 0 <= value < (1 << size):
                a = ipaddress.ip_address(value) if net.version == 4 else ipaddress.IPv6Address(value)
                if net.version == 4:
                    out.append(rng.choice([str(a), str(a), f"::ffff:{a}", ipaddress.IPv6Address((0xFFFF << 32) | int(a)).compressed]))
                else:
                    out.append(v6_text(a))
    out.append(str(ipaddress.IPv4Address(rng.getrandbits(32))))
    out.append(ipaddress.IPv6Address(rng.getrandbits(128)).compressed)
    out.extend(rng.sample([None, "010.1.1.1", "10.1", "0x0a.1.1.1", "fe80::1%eth0", "not-an-ip", " 10.0.0.1", "::ffff:010.1.2.3", "1::2:3:4:5:6:7:8", "::1", "0.0.0.0", "255.255.255.255"], 2))
    return out


def random_ip_list():
    n = rng.randint(1, 6)
    entries = []
    for _ in range(n):
        r = rng.random()
        entries.append(random_v4_network() if r < 0.5 else random_v6_network() if r < 0.8 else random_mapped_network())
    spaces = lambda: rng.choice(["", "", " ", "  ", "\t"])
    text = ",".join(spaces() + e + spaces() for e in entries)
    return entries, text


# ---------------------------------------------------------------- schedules

def random_local_near(zone):
    """A local date-time string near a transition (often inside a gap or an overlap)."""
    ts = near_transition(zone)
    return local_text(zone, ts + rng.choice([0, -1, 1, 900, 1800, 2700, 3599, -900, -1800]))


def gap_or_overlap_local(zone):
    """A local reading that does not occur or occurs twice, when the zone has one."""
    ts = TRANSITIONS[zone]
    if zone == "Pacific/Apia" and rng.random() < 0.6:
        return f"2011-12-30 {hms(rng.randint(0, DAY - 1))}"
    if not ts:
        return None
    t = rng.choice(ts)
    before, after = offset_at(zone, t - 1), offset_at(zone, t)
    width = abs(after - before)
    # local readings in [t + min(before, after), t + max(before, after)) are in the gap or overlap
    base = t + min(before, after)
    return datetime.fromtimestamp(base + rng.randint(0, width - 1), timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def date_schedule(zone):
    pick = lambda: gap_or_overlap_local(zone) if rng.random() < 0.5 else None
    a = pick() or random_local_near(zone)
    if rng.random() < 0.5:
        b = pick() or random_local_near(zone)
    else:
        b = local_text(zone, instant_of_local(zone, a) + rng.choice([0, 1, 3600, DAY, 30 * DAY, rng.randint(0, 400 * DAY)]))
    if b < a and rng.random() < 0.9:  # the rest stay reversed: VALIDATION cases
        a, b = b, a
    sched = {"fromDate": a, "toDate": b}
    if zone != "UTC" or rng.random() < 0.5:
        sched["timezone"] = zone
    return sched


def days_schedule(zone):
    def a_time():
        return hms(rng.choice([0, 86399, 3600, 7200, 9000, 10800, 1800, 5400, rng.randint(0, 86399), rng.randint(0, 86399)]))

    f, t = a_time(), a_time()
    if rng.random() < 0.1:
        t = f
    days = rng.sample(WEEKDAYS, rng.choice([0, 1, 2, 3, 5, 7]))
    spelled = [rng.choice([d, d.lower(), d.capitalize()]) for d in days]
    sched = {"fromTime": f, "toTime": t}
    if zone != "UTC" or rng.random() < 0.5:
        sched["timezone"] = zone
    if days or rng.random() < 0.5:
        sched["days"] = spelled
    return sched


def norm_dates(s):
    return {"fromDate": s["fromDate"], "toDate": s["toDate"], "timezone": s.get("timezone", "UTC")}


def norm_days(s):
    return {"fromTime": s["fromTime"], "toTime": s["toTime"], "timezone": s.get("timezone", "UTC"), "days": [d.upper() for d in s.get("days") or []]}


def days_request_instants(sched):
    zone = sched.get("timezone", "UTC")
    out = [near_transition(zone) for _ in range(3)]
    out.append(random_instant())
    # instants whose local reading is a bound, one second off it, or just past midnight
    for sec in (seconds_of(sched["fromTime"]), seconds_of(sched["toTime"])):
        for delta in (-1, 0, 1):
            day = datetime.fromtimestamp(near_transition(zone), ZoneInfo(zone)).date()
            local = f"{day.isoformat()} {hms((sec + delta) % DAY)}"
            out.append(instant_of_local(zone, local))
    return rng.sample(out, 7)


# ---------------------------------------------------------------- groups

groups = []


def add(kind, condition, requests, extra=None):
    g = {"kind": kind, "condition": condition}
    if extra:
        g.update(extra)
    g["requests"] = requests
    groups.append(g)


def request(ip, now_ms, ip_ok, time_ok):
    failed = ([] if ip_ok else ["ipAddress"]) + ([] if time_ok else ["timeOfAccess"])
    r = {"now": now_ms, "satisfied": not failed, "failed": failed}
    if ip is not None:
        r = {"ip": ip, **r}
    return r


def gen_ip_groups(n):
    for _ in range(n):
        entries, text = random_ip_list()
        reqs = [request(c, ms_around(random_instant()), ip_holds(entries, c), True) for c in clients_for(entries)]
        add("ipAddress", {"ipAddress": text}, reqs, {"normalised": {"ipAddress": text, "timeOfAccess": None, "approval": None}})


def gen_date_groups(n):
    made = 0
    while made < n:
        zone = rng.choice(ZONES)
        s = date_schedule(zone)
        z = s.get("timezone", "UTC")
        f, t = instant_of_local(z, s["fromDate"]), instant_of_local(z, s["toDate"])
        if f > t:
            add("invalid", {"timeOfAccess": {"dateSchedule": s}}, [], {"pointer": "/timeOfAccess/dateSchedule/toDate", "fromInstant": f, "toInstant": t})
            continue
        made += 1
        secs = [f - 1, f, f + 1, t - 1, t, t + 1, rng.randint(f, t), f - rng.randint(1, 10 * DAY), t + rng.randint(1, 10 * DAY)]
        reqs = [request(None, ms_around(x), True, f <= x <= t) for x in rng.sample(secs, 7)]
        add("dateSchedule", {"timeOfAccess": {"dateSchedule": s}}, reqs, {
            "normalised": {"ipAddress": None, "timeOfAccess": {"dateSchedule": norm_dates(s)}, "approval": None},
            "fromInstant": f, "toInstant": t,
        })


def gen_gap_reversals(n):
    """fromDate inside a spring-forward gap and toDate just after the gap: in order as strings,
    reversed as instants (the gap reading moves forward past toDate) -> VALIDATION at toDate."""
    made = 0
    while made < n:
        zone = rng.choice([z for z in ZONES if TRANSITIONS[z]])
        t = rng.choice(TRANSITIONS[zone])
        before, after = offset_at(zone, t - 1), offset_at(zone, t)
        if after <= before:
            continue
        gap = after - before
        start_local = t + before  # first reading that does not occur
        a = rng.randint(1, gap - 1)
        b = rng.randint(0, a - 1)
        text = lambda x: datetime.fromtimestamp(x, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        from_text, to_text = text(start_local + a), text(start_local + gap + b)
        f, to = instant_of_local(zone, from_text), instant_of_local(zone, to_text)
        assert from_text < to_text and f > to, (zone, from_text, to_text)
        add("invalid", {"timeOfAccess": {"dateSchedule": {"fromDate": from_text, "toDate": to_text, "timezone": zone}}}, [],
            {"pointer": "/timeOfAccess/dateSchedule/toDate", "fromInstant": f, "toInstant": to})
        made += 1


def gen_days_groups(n):
    for _ in range(n):
        zone = rng.choice(ZONES)
        s = days_schedule(zone)
        reqs = []
        for x in days_request_instants(s):
            r = request(None, ms_around(x), True, days_holds(s, x))
            r["wall"] = wall_clock(s.get("timezone", "UTC"), x)[2]
            reqs.append(r)
        add("daysSchedule", {"timeOfAccess": {"daysSchedule": s}}, reqs, {
            "normalised": {"ipAddress": None, "timeOfAccess": {"daysSchedule": norm_days(s)}, "approval": None},
        })


def gen_combined_groups(n):
    for _ in range(n):
        zone = rng.choice(ZONES)
        entries, text = random_ip_list()
        ds = date_schedule(zone)
        z = ds.get("timezone", "UTC")
        f, t = instant_of_local(z, ds["fromDate"]), instant_of_local(z, ds["toDate"])
        if f > t:
            continue
        ws = days_schedule(rng.choice(ZONES))
        approval = None
        if rng.random() < 0.5:
            approval = {"approvers": {"userIds": ["boss"]}, "validFor": rng.randint(1, 30), "timeToApprove": rng.randint(1, 600), "notificationMedium": rng.choice(["chan-1", ["a", "b"]])}
        cond = {"ipAddress": text, "timeOfAccess": {"dateSchedule": ds, "daysSchedule": ws}}
        if approval:
            cond["approval"] = approval
        clients = clients_for(entries)
        secs = [f, t, rng.randint(f, t), rng.randint(f, t), f - 1, t + 1] + days_request_instants(ws)[:3]
        reqs = []
        for x in secs:
            c = rng.choice(clients)
            reqs.append(request(c, ms_around(x), ip_holds(entries, c), f <= x <= t and days_holds(ws, x)))
        norm_approval = None
        if approval:
            norm_approval = {"approvers": approval["approvers"], "validFor": approval["validFor"], "isValidForInDays": False,
                             "timeToApprove": approval["timeToApprove"], "notificationMedium": approval["notificationMedium"]}
        add("combined", cond, reqs, {
            "normalised": {"ipAddress": text, "timeOfAccess": {"dateSchedule": norm_dates(ds), "daysSchedule": norm_days(ws)}, "approval": norm_approval},
            "approvalRequired": approval is not None,
        })


def python_rejects(entry):
    try:
        ipaddress.ip_network(entry, strict=False)
        return False
    except ValueError:
        return True


def gen_invalid_groups():
    # IP entries Python's ipaddress rejects too (legacy IPv4 forms, bad prefixes, bad IPv6)
    bad = ["010.1.1.1", "10.1", "0x0a.1.1.1", "1.2.3.4/33", "1.2.3.256", "4294967295", "10.0.0.0/-1", "::ffff:010.1.2.3",
           "2001:db8::/129", "1::2::3", "1::2:3:4:5:6:7:8", "12345::", "10.0.0.1/", "/8", "1.2.3", "1.2.3.4.5", "01.2.3.4",
           "1.2.3.04", "::ffff:1.2.3", "g::1", "1.2.3.4/32/1", "[::1]"]
    for b in bad:
        assert python_rejects(b), b
        add("invalid", {"ipAddress": rng.choice([b, f"10.0.0.0/8, {b}", f"{b},::1"])}, [], {"pointer": "/ipAddress"})
    # SPEC-only rules: zone ids, IPv4-mapped entries reaching outside ::ffff:0:0/96, empty entries
    for b in ["fe80::1%eth0", "fe80::%eth0/64", "::ffff:10.0.0.0/95", "::ffff:10.0.0.0/8", "::ffff:a00:0/64", "10.0.0.1,", ", 10.0.0.1", "10.0.0.1,,10.0.0.2", " "]:
        add("invalid", {"ipAddress": b}, [], {"pointer": "/ipAddress"})
    # impossible dates and times, unknown zones, unknown weekdays
    for d in ["2023-02-29 00:00:00", "2024-02-30 00:00:00", "2024-04-31 12:00:00", "2024-13-01 00:00:00", "2024-00-10 00:00:00",
              "2024-01-01 24:00:00", "2024-01-01 23:60:00", "2024-01-01 23:59:60", "2024-1-01 00:00:00", "2024-01-01T00:00:00", "1900-02-29 00:00:00"]:
        try:
            datetime.strptime(d, "%Y-%m-%d %H:%M:%S")
            valid = len(d) == 19
        except ValueError:
            valid = False
        assert not valid, d
        add("invalid", {"timeOfAccess": {"dateSchedule": {"fromDate": d, "toDate": "2099-01-01 00:00:00", "timezone": "UTC"}}}, [],
            {"pointer": "/timeOfAccess/dateSchedule/fromDate"})
    known = available_timezones()
    for z in ["Mars/Olympus_Mons", "America/Nowhere", "Europe/Berlinn", "", "+05:00"]:
        assert z not in known, z
        add("invalid", {"timeOfAccess": {"daysSchedule": {"fromTime": "09:00:00", "toTime": "17:00:00", "timezone": z}}}, [],
            {"pointer": "/timeOfAccess/daysSchedule/timezone"})
    for t in ["24:00:00", "9:00:00", "09:00", "09:60:00", "09:00:60", "0900:00"]:
        add("invalid", {"timeOfAccess": {"daysSchedule": {"fromTime": t, "toTime": "17:00:00"}}}, [], {"pointer": "/timeOfAccess/daysSchedule/fromTime"})
    for i, d in enumerate(["FUNDAY", "MON", "Mondays", "lundi"]):
        days = ["MONDAY"] * i + [d]
        add("invalid", {"timeOfAccess": {"daysSchedule": {"fromTime": "09:00:00", "toTime": "17:00:00", "days": days}}}, [],
            {"pointer": f"/timeOfAccess/daysSchedule/days/{i}"})


# ---------------------------------------------------------------- agreement with Node's tz data

NODE_OFFSETS = r"""
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {};
for (const [zone, instants] of Object.entries(input)) {
  const dtf = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric',
    day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
  out[zone] = instants.map((s) => {
    const p = Object.fromEntries(dtf.formatToParts(new Date(s * 1000)).map((x) => [x.type, x.value]));
    let y = Number(p.year); if (p.era === 'BC' || p.era === 'B') y = 1 - y;
    const d = new Date(0); d.setUTCFullYear(y, Number(p.month) - 1, Number(p.day)); d.setUTCHours(Number(p.hour) % 24, Number(p.minute), Number(p.second), 0);
    return d.getTime() / 1000 - s;
  });
}
process.stdout.write(JSON.stringify({ tz: process.versions.tz, node: process.version, icu: process.versions.icu, offsets: out }));
"""


def zones_and_instants(group):
    """Every (zone, epoch second) the outcome of a group depends on."""
    pairs = []
    toa = group["condition"].get("timeOfAccess") or {}
    for key in ("dateSchedule", "daysSchedule"):
        s = toa.get(key)
        if not s:
            continue
        z = s.get("timezone", "UTC")
        if key == "dateSchedule":
            for text in (s["fromDate"], s["toDate"]):
                try:
                    local = int(datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp())
                except ValueError:
                    continue
                for delta in range(-2 * DAY, 2 * DAY + 1, 3600):
                    pairs.append((z, local + delta))
        for r in group["requests"]:
            pairs.append((z, r["now"] // 1000))
    return pairs


def node_offsets(query):
    proc = subprocess.run(["node", "-e", NODE_OFFSETS], input=json.dumps(query), capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def python_tzdata_version():
    for path in ("/usr/share/zoneinfo/tzdata.zi", "/usr/share/zoneinfo/+VERSION"):
        try:
            with open(path, encoding="utf-8") as f:
                line = f.readline().strip()
                return line.replace("# version ", "")
        except OSError:
            pass
    try:
        import tzdata  # type: ignore

        return tzdata.IANA_VERSION
    except ImportError:
        return "unknown"


def main():
    gen_ip_groups(150)
    gen_date_groups(170)
    gen_days_groups(190)
    gen_combined_groups(70)
    gen_invalid_groups()
    gen_gap_reversals(20)

    query = {}
    for g in groups:
        for z, s in zones_and_instants(g):
            query.setdefault(z, set()).add(s)
    query = {z: sorted(v) for z, v in query.items()}
    node = node_offsets(query)
    disagree = set()
    for z, instants in query.items():
        for s, node_off in zip(instants, node["offsets"][z]):
            if node_off != offset_at(z, s):
                disagree.add((z, s))
    kept = [g for g in groups if not any(p in disagree for p in zones_and_instants(g))]
    dropped = len(groups) - len(kept)

    cases = sum(max(1, len(g["requests"])) for g in kept)
    fixture = {
        "about": "SPEC §7 conditions decided by Python zoneinfo + ipaddress; replayed by test/core/conditions/oracle.test.ts",
        "generator": "test/oracle/generate_conditions.py",
        "seed": SEED,
        "python": platform.python_version(),
        "pythonTzdata": python_tzdata_version(),
        "nodeTz": node["tz"],
        "nodeVersion": node["node"],
        "nodeIcu": node["icu"],
        "zones": ZONES,
        "years": list(YEARS),
        "droppedForTzDisagreement": dropped,
        "cases": cases,
        "groups": kept,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("{\n")
        items = [(k, v) for k, v in fixture.items() if k != "groups"]
        for k, v in items:
            f.write(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n")
        f.write('  "groups": [\n')
        f.write(",\n".join("    " + json.dumps(g, ensure_ascii=False) for g in kept))
        f.write("\n  ]\n}\n")
    print(f"wrote {OUT}: {len(kept)} groups, {cases} cases, {dropped} dropped for tz disagreement "
          f"(python tzdata {fixture['pythonTzdata']}, node tz {node['tz']})", file=sys.stderr)


if __name__ == "__main__":
    main()
