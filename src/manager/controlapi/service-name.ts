import type { RandomBytes } from '../../api/ids.ts';

// shoal's own word lists for generated names: an adjective and the surname of a scientist
// or engineer, joined by '_' as the Engine's generated names are.
const ADJECTIVES = [
  'agile',
  'bold',
  'brave',
  'bright',
  'calm',
  'careful',
  'clever',
  'cool',
  'curious',
  'daring',
  'eager',
  'earnest',
  'fair',
  'fearless',
  'gentle',
  'glad',
  'happy',
  'hardy',
  'jolly',
  'keen',
  'kind',
  'lively',
  'lucid',
  'merry',
  'modest',
  'nimble',
  'patient',
  'plucky',
  'proud',
  'quick',
  'quiet',
  'serene',
  'sharp',
  'steady',
  'sunny',
  'swift',
  'tender',
  'tidy',
  'upbeat',
  'vivid',
  'warm',
  'wise',
  'witty',
  'zealous',
] as const;

const SURNAMES = [
  'agnesi',
  'babbage',
  'bohr',
  'boole',
  'cantor',
  'curie',
  'darwin',
  'dijkstra',
  'euclid',
  'euler',
  'faraday',
  'fermat',
  'feynman',
  'franklin',
  'galileo',
  'gauss',
  'hamilton',
  'hopper',
  'hypatia',
  'kepler',
  'knuth',
  'lamport',
  'lovelace',
  'maxwell',
  'meitner',
  'mendel',
  'newton',
  'noether',
  'pascal',
  'pasteur',
  'planck',
  'ramanujan',
  'ritchie',
  'shannon',
  'somerville',
  'tesla',
  'thompson',
  'turing',
  'volta',
  'wilson',
  'wright',
] as const;

/**
 * A name for a service created without one, `adjective_surname` like the Engine's
 * (`daring_lovelace`), drawn from `random`. The words are valid service-name characters, so
 * the result passes name validation. Collisions are possible; the create then fails with
 * the usual name conflict, as in Docker.
 */
export function randomServiceName(random: RandomBytes): string {
  const bytes = random(4);
  const pick = (hi: number, lo: number, size: number): number =>
    (((bytes[hi] ?? 0) << 8) | (bytes[lo] ?? 0)) % size;
  const adjective = ADJECTIVES[pick(0, 1, ADJECTIVES.length)] ?? 'bold';
  const surname = SURNAMES[pick(2, 3, SURNAMES.length)] ?? 'turing';
  return `${adjective}_${surname}`;
}
