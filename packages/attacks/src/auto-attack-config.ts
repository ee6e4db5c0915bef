import type { AttackNorm, EotOptions } from './types.js';

/** The attacks of the AutoAttack cascade, by auto-attack's names. */
export type AutoAttackName = 'apgd-ce' | 'apgd-dlr' | 'apgd-t' | 'fab' | 'fab-t' | 'square';
export const AUTO_ATTACK_NAMES: readonly AutoAttackName[] = ['apgd-ce', 'apgd-dlr', 'apgd-t', 'fab', 'fab-t', 'square'];

export type AutoAttackVersion = 'standard' | 'plus' | 'rand' | 'custom';
const VERSIONS: readonly AutoAttackVersion[] = ['standard', 'plus', 'rand', 'custom'];


/** Per-attack settings; autoattack.py's values per version, overridable for cheaper runs. */
export interface AutoAttackSettings {
  /** APGD iterations (all APGD variants); 100. */
  steps: number;
  /** Restarts of APGD-CE / APGD-DLR (and FAB): 1 in standard and rand, 5 in plus and custom. */
  restarts: number;
  /** Restarts of APGD-T per target class; 1. */
  targetedRestarts: number;
  /** Target classes of APGD-T (and FAB-T); 9. */
  nTargetClasses: number;
  /** Square Attack queries; 5000. */
  nQueries: number;
  /** Square Attack restarts; 1. */
  squareRestarts: number;
  /** Gradient samples per APGD step (rand: 20). */
  eotSamples: number;
}

/** autoattack.py `set_version` (and the constructor's defaults for 'custom'). */
export function versionPlan(fn: string, version: unknown, attacks: unknown): { attacks: AutoAttackName[]; settings: AutoAttackSettings } {
  if (!(VERSIONS as readonly unknown[]).includes(version)) throw new Error(`${fn}: version must be one of ${VERSIONS.join(', ')}, got ${String(version)}`);
  const base: AutoAttackSettings = { steps: 100, restarts: 5, targetedRestarts: 1, nTargetClasses: 9, nQueries: 5000, squareRestarts: 1, eotSamples: 1 };
  if (version !== 'custom') {
    if (attacks !== undefined) throw new Error(`${fn}: attacks is only for version 'custom' (version '${String(version)}' fixes its own list)`);
    if (version === 'standard') return { attacks: ['apgd-ce', 'apgd-t', 'fab-t', 'square'], settings: { ...base, restarts: 1 } };
    if (version === 'plus') return { attacks: ['apgd-ce', 'apgd-dlr', 'fab', 'square', 'apgd-t', 'fab-t'], settings: base };
    return { attacks: ['apgd-ce', 'apgd-dlr'], settings: { ...base, restarts: 1, eotSamples: 20 } };
  }
  if (!Array.isArray(attacks) || attacks.length === 0) throw new Error(`${fn}: version 'custom' needs attacks, a non-empty list of ${AUTO_ATTACK_NAMES.join(', ')}`);
  for (const a of attacks) {
    if (!(AUTO_ATTACK_NAMES as readonly unknown[]).includes(a)) throw new Error(`${fn}: unknown attack "${String(a)}" (known: ${AUTO_ATTACK_NAMES.join(', ')})`);
  }
  if (new Set(attacks).size !== attacks.length) throw new Error(`${fn}: attacks lists an attack twice: ${attacks.join(', ')}`);
  return { attacks: [...attacks] as AutoAttackName[], settings: base };
}

/** One stage's call: which function and options (eps, norm and seed are added by the caller). */
export function stageOptions(name: AutoAttackName, s: AutoAttackSettings, eot: EotOptions | undefined, norm: AttackNorm): Record<string, unknown> {
  const eotOption = s.eotSamples > 1 || eot ? { eot: { samples: s.eotSamples, ...eot } } : {};
  if (name === 'apgd-ce') return { norm, steps: s.steps, restarts: s.restarts, loss: 'ce', ...eotOption };
  if (name === 'apgd-dlr') return { norm, steps: s.steps, restarts: s.restarts, loss: 'dlr', ...eotOption };
  if (name === 'apgd-t') return { norm, steps: s.steps, restarts: s.targetedRestarts, targeted: true, nTargetClasses: s.nTargetClasses, ...eotOption };
  if (name === 'square') return { norm, nQueries: s.nQueries, restarts: s.squareRestarts, pInit: 0.8 };
  // autoattack.py runs FAB-T with one restart per target class (it sets fab.n_restarts = 1).
  if (name === 'fab') return { norm, steps: s.steps, restarts: s.restarts };
  return { norm, steps: s.steps, restarts: 1, targeted: true, nTargetClasses: s.nTargetClasses };
}
