/** One setting that differs between a checkpointed run and the run resuming it. */
export interface ConfigChange {
  /** Dotted path of the setting, e.g. `schedule.lr` or `mode.eps`. */
  setting: string;
  /** Value in the checkpoint (`undefined`: not set there). */
  old: unknown;
  /** Value now (`undefined`: not set now). */
  now: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON form of a value (functions and `undefined` fields dropped), as a checkpoint stores it. */
function asJson(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

function collect(old: unknown, now: unknown, path: string, out: ConfigChange[]): void {
  if (isPlainObject(old) && isPlainObject(now)) {
    for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
      collect(old[key], now[key], path ? `${path}.${key}` : key, out);
    }
  } else if (JSON.stringify(old) !== JSON.stringify(now)) {
    out.push({ setting: path || '(whole configuration)', old, now });
  }
}

/**
 * The settings whose values differ between `saved` (a checkpoint's recorded configuration) and
 * `current`, compared in their JSON form, nested objects field by field (arrays as wholes). Keys
 * listed in `ignore` (top-level) are not compared.
 */
export function configChanges(saved: unknown, current: unknown, ignore: readonly string[] = []): ConfigChange[] {
  const strip = (v: unknown): unknown => {
    const j = asJson(v);
    if (!isPlainObject(j)) return j;
    return Object.fromEntries(Object.entries(j).filter(([k]) => !ignore.includes(k)));
  };
  const out: ConfigChange[] = [];
  collect(strip(saved), strip(current), '', out);
  return out;
}

const show = (v: unknown): string => (v === undefined ? '(not set)' : JSON.stringify(v));

/** `schedule.lr 0.05 → 0.1; mode.type "standard" → "pgd"` */
export function formatConfigChanges(changes: readonly ConfigChange[]): string {
  return changes.map((c) => `${c.setting} ${show(c.old)} → ${show(c.now)}`).join('; ');
}
