import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CONFIG_PATH, loadConfigFile, parseConfigText } from '../../config/load-config.js';
import { isDomainError } from '../../common/errors.js';
import { startBranchApp } from '../../server/branch-app.js';
import { silentLogger } from '../../server/logger.js';

const demo = readFileSync(DEMO_CONFIG_PATH, 'utf8');

function problems(text: string, source = 'branch.yaml'): string[] {
  try {
    parseConfigText(text, source);
  } catch (e) {
    assert.ok(isDomainError(e), `expected a DomainError, got ${String(e)}`);
    assert.equal(e.code, 'CONFIG_INVALID');
    return (e.details as string[] | undefined) ?? [e.message];
  }
  assert.fail('the configuration was accepted');
}

describe('branch configuration file', () => {
  test('the demo branch is valid and has the eight services of the design', () => {
    const c = loadConfigFile(DEMO_CONFIG_PATH);
    assert.deepEqual(c.queue.services.map((s) => s.code), ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
    assert.equal(c.queue.counters.length, 8);
    assert.equal(c.queue.branch.timeZone, 'Asia/Shanghai');
    assert.ok(c.queue.segments.some((s) => s.code === 'regular' && !s.priority));
  });

  test('JSON works as well as YAML', () => {
    const c = loadConfigFile(DEMO_CONFIG_PATH);
    const again = parseConfigText(JSON.stringify(c.file), 'branch.json');
    assert.equal(again.hash, c.hash);
  });

  test('each kind of mistake names the field and the problem', () => {
    const cases: [string, string, RegExp][] = [
      ['timeZone: Asia/Shanghai', 'timeZone: Mars/Olympus', /^branch\.timeZone: must be an IANA time zone/],
      ['prefix: B', 'prefix: b', /^services\[1\]\.prefix: must be one or two capital letters/],
      ['prefix: C', 'prefix: A', /^services\[2\]: ticket prefix "A" is used twice/],
      ['targetWaitMinutes: 30\n    typicalServiceMinutes: 20', 'targetWaitMinutes: -5\n    typicalServiceMinutes: 20', /^services\[3\]\.targetWaitMinutes:/],
      ['primary: [G], secondary: [H]', 'primary: [G], secondary: [Z]', /^counters\[6\]\.secondary\[0\]: unknown service "Z"/],
      ['mon: "00:00-24:00"', 'mon: "18:00-09:00"', /^branch\.hours\.mon: must be "closed" or windows/],
      ['fairnessCap: 3 ', 'fairnessCap: 0 ', /^rules\.fairnessCap:/],
      ['  sessionHours: 12', '  sessionHours: 12\n  sessionMinutes: 5', /^security: unknown field\(s\) sessionMinutes/],
    ];
    for (const [from, to, expected] of cases) {
      assert.ok(demo.includes(from), `demo config contains ${from}`);
      const found = problems(demo.replace(from, to));
      assert.ok(found.some((p) => expected.test(p)), `${to}: expected ${expected}, got ${JSON.stringify(found)}`);
    }
  });

  test('the roster and the calling policy: read, and each mistake named by field', () => {
    const c = loadConfigFile(DEMO_CONFIG_PATH).queue;
    assert.equal(c.rules.tiers, 'reserve');
    const sat = c.roster.filter((s) => s.weekdays.includes(6)).map((s) => s.counterId);
    assert.deepEqual(sat, ['1', '3', '5', '7']);
    const one = c.roster.find((s) => s.counterId === '1' && s.weekdays.includes(1))!;
    assert.deepEqual(one, { counterId: '1', weekdays: [1, 2, 3, 4, 5], open: '09:00', close: '17:00', breaks: [{ at: '11:30', minutes: 30, reason: 'meal' }, { at: '15:30', minutes: 10, reason: 'break' }] });
    const shift = '  - { counter: "2", days: [mon, tue, wed, thu, fri], open: "09:00", close: "17:00", breaks: [{ at: "12:30", minutes: 30, reason: meal }] }';
    assert.ok(demo.includes(shift));
    const cases: [string, RegExp][] = [
      [shift.replace('counter: "2"', 'counter: "9"'), /^roster\[1\]\.counter: unknown counter "9"/],
      [shift.replace('open: "09:00", close: "17:00"', 'open: "17:00", close: "09:00"'), /^roster\[1\]\.close: the shift must open before it closes/],
      [shift.replace('at: "12:30"', 'at: "16:45"'), /^roster\[1\]\.breaks\[0\]\.at: breaks must fall inside the shift/],
      [shift.replace('reason: meal', 'reason: nap'), /^roster\[1\]\.breaks\[0\]\.reason: "nap" is not one of the pause reasons/],
      [shift.replace('days: [mon, tue, wed, thu, fri]', 'days: [mon, funday]'), /^roster\[1\]\.days\[1\]:/],
      [`${shift}\n${shift.replace('open: "09:00"', 'open: "16:00"').replace('close: "17:00"', 'close: "18:00"').replace(', breaks: [{ at: "12:30", minutes: 30, reason: meal }]', '')}`, /^roster\[\d+\]: overlaps roster\[1\] of counter "2"/],
    ];
    for (const [to, expected] of cases) {
      const found = problems(demo.replace(shift, to));
      assert.ok(found.some((p) => expected.test(p)), `${to}: expected ${expected}, got ${JSON.stringify(found)}`);
    }
    assert.ok(problems(demo.replace('tiers: reserve', 'tiers: loose')).some((p) => /^rules\.tiers:/.test(p)));
    assert.ok(problems(demo.replace('    dailyCap: 200', '    dailyCap: 200\n    reserveAfterMinutes: 0')).some((p) => /^services\[7\]\.reserveAfterMinutes:/.test(p)));
  });

  test('a missing section and a syntax error are reported clearly', () => {
    const noCounters = demo.slice(0, demo.indexOf('counters:'));
    assert.ok(problems(noCounters).some((p) => /^counters: /.test(p)));
    const msg = problems('branch: [unclosed', 'broken.yaml')[0]!;
    assert.match(msg, /broken\.yaml: not valid YAML/);
    assert.match(problems('{"branch": ', 'broken.json')[0]!, /broken\.json: not valid JSON/);
  });

  test('the service does not start half-configured: no database, no port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const bad = join(dir, 'branch.yaml');
    writeFileSync(bad, demo.replace('prefix: B', 'prefix: 7'));
    await assert.rejects(
      startBranchApp({ dataDir: join(dir, 'data'), configPath: bad, demo: true, port: 0, host: '127.0.0.1', log: silentLogger }),
      (e: unknown) => isDomainError(e) && e.code === 'CONFIG_INVALID' && /services\[1\]\.prefix/.test(e.message),
    );
    assert.equal(existsSync(join(dir, 'data', 'branch.db')), false);
    assert.equal(existsSync(join(dir, 'data', 'demo-credentials.json')), false);
  });

  test('the serve command exits non-zero and prints the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const bad = join(dir, 'branch.yaml');
    writeFileSync(bad, demo.replace('timeZone: Asia/Shanghai', 'timeZone: Nowhere'));
    const r = spawnSync(process.execPath, ['dist/server/main.js', '--port', '0', '--data', join(dir, 'data'), '--config', bad], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /CONFIG_INVALID/);
    assert.match(r.stderr, /branch\.timeZone: must be an IANA time zone/);
    assert.doesNotMatch(r.stdout, /ready at/);
  });

  test('bad command-line options are refused with the usage text', () => {
    const r = spawnSync(process.execPath, ['dist/server/main.js', '--port', 'eighty'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--port must be 0–65535/);
    const r2 = spawnSync(process.execPath, ['dist/server/main.js', '--printer', 'lpt1'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /device URI "lpt1"/);
  });
});
