import { summarizeProfile, formatProfile } from '/work/wt/hqfast/bench/cpu-profile.ts';
import { readdirSync } from 'node:fs';
const dir = process.argv[2]!;
const f = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'))!;
console.log(formatProfile(summarizeProfile(`${dir}/${f}`, '/work/wt/hqfast/', -Infinity, Infinity, 40)));
