/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went within a window:
 * self time by package or source folder, the busiest functions, and inclusive time of the
 * functions that matter. Used by `bench/profile-issue.ts`; written for people, not machines.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const CallFrame = z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() });
const ProfileNode = z.object({ id: z.number(), callFrame: CallFrame, children: z.array(z.number()).optional() });
const Profile = z.object({ nodes: z.array(ProfileNode), startTime: z.number(), samples: z.array(z.number()), timeDeltas: z.array(z.number()) });
type ProfileNode = z.infer<typeof ProfileNode>;

export interface ProfileSummary {
  /** Sampled microseconds inside the window. */
  totalUs: number;
  byArea: [string, number][];
  bySelf: [string, number][];
  byInclusive: [string, number][];
}

/** Where a frame's code lives: a package, a folder of ours, Node itself, or V8's own work. */
function areaOf(node: ProfileNode, root: string): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `native: ${functionName || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node (http, streams, timers)';
  const rel = url.replace(/^file:\/\//, '').replace(root, '').replace(/^dist\//, '');
  return `ours: ${rel.split('/')[0]}/`;
}

function label(node: ProfileNode, root: string): string {
  const { url, functionName, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\//, '').replace(root, '').replace(/.*node_modules\//, '');
  return `${functionName || '(anonymous)'}${where ? `  ${where}:${lineNumber + 1}` : ''}`;
}

/**
 * Summarises the samples taken between `fromUs` and `toUs` (CLOCK_MONOTONIC microseconds, the
 * clock of process.hrtime and of V8's profiler on Linux).
 */
export function summarizeProfile(file: string, root: string, fromUs = -Infinity, toUs = Infinity, top = 15): ProfileSummary {
  const profile = Profile.parse(JSON.parse(readFileSync(file, 'utf8')));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample's time is the gap to the next one.
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }

  const area = new Map<string, number>();
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    totalUs += us;
    const a = areaOf(node, root);
    area.set(a, (area.get(a) ?? 0) + us);
    const l = label(node, root);
    self.set(l, (self.get(l) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = label(byId.get(cur)!, root);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { totalUs, byArea: sorted(area), bySelf: sorted(self), byInclusive: sorted(inclusive) };
}

export function formatProfile(s: ProfileSummary): string {
  const row = ([k, us]: [string, number]) => `  ${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / s.totalUs).toFixed(1).padStart(5)} %  ${k}`;
  return [
    `sampled CPU time in the window: ${(s.totalUs / 1000).toFixed(0)} ms`,
    'self time by package or folder:',
    ...s.byArea.map(row),
    'self time by function:',
    ...s.bySelf.map(row),
    'inclusive time (the function and what it calls):',
    ...s.byInclusive.map(row),
  ].join('\n');
}
