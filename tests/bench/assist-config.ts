/**
 * The knobs of `npm run bench:assist` (tests/bench/assist.ts), read from the environment once,
 * and the fixed parts of the run: who files, who asks, who reads, what is reported.
 */
export const VOLUNTEERS = Number(process.env.VOLUNTEERS ?? 10_000);
export const DECOYS = Number(process.env.DECOYS ?? 200);
export const OFFERS = Number(process.env.OFFERS ?? 1_000);
export const SEED = Number(process.env.SEED ?? 16_016);
export const SEED_IN_FLIGHT = Number(process.env.SEED_IN_FLIGHT ?? 4);
export const REPORTS_IN_FLIGHT = Number(process.env.REPORTS_IN_FLIGHT ?? 4);
export const POLL_MS = Number(process.env.POLL_MS ?? 20);
export const OFFERS_IN_FLIGHT = Math.max(1, Number(process.env.OFFERS_IN_FLIGHT ?? 2));
/** offers side by side at least this far apart: twice the widest round (1 km) and a margin */
export const SEPARATION_M = 2_100;
export const REFRESH_MIN = Number(process.env.REFRESH_MIN ?? 6);
export const PICK_SAMPLE_EVERY = Number(process.env.PICK_SAMPLE_EVERY ?? 20);
export const HOTSPOT_SHARE = 0.1;
export const HOTSPOTS = 4;
export const RESIDENT = 'u-res-zhang';
export const REQUESTER = 'u-dp-nanshan';
export const BENCH_READER = { id: 'bench', role: 'system' };
export const CATEGORIES = ['ebike_charging', 'fire_exit_blocked', 'fire_equipment', 'unsafe_wiring', 'public_security', 'dispute', 'other'];
