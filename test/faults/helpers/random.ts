/** A small seeded PRNG (mulberry32): the same seed gives the same run. */
export interface Random {
  readonly seed: number;
  /** In [0, 1). */
  next(): number;
  chance(p: number): boolean;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    seed,
    next,
    chance: (p) => next() < p,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
  };
  return random;
}

/** `KPI_FAULT_SEED` replays a run; otherwise a fresh seed. */
export function faultSeed(env: Record<string, string | undefined>): number {
  const given = env.KPI_FAULT_SEED;
  if (given !== undefined && given !== "") {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`KPI_FAULT_SEED must be a non-negative integer, got ${JSON.stringify(given)}`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** Runs `body`; a failure's message starts with the seed and how to replay it. */
export async function withSeed<T>(seed: number, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const note = `seed ${seed} (replay with KPI_FAULT_SEED=${seed})`;
    if (error instanceof Error) {
      error.message = `${note}\n${error.message}`;
      throw error;
    }
    throw new Error(`${note}: ${String(error)}`);
  }
}
