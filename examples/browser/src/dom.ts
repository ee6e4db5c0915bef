/** The page's elements by id, typed; a missing one is a clear error (the HTML and the code disagree). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element == null) throw new Error(`index.html has no element #${id}`);
  return element as T;
}

export function numberInput(id: string): number {
  return Number(byId<HTMLInputElement>(id).value);
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Shows a fraction as a percentage and keeps the number in `data-value` (for tests and scripts). */
export function showFraction(id: string, fraction: number, suffix = ''): void {
  const element = byId(id);
  element.textContent = `${percent(fraction)}${suffix}`;
  element.dataset.value = String(fraction);
}

/**
 * Runs `task` for the latest request only: calls made while one runs collapse into one more run
 * afterwards (slider drags start one attack, not one per pixel of travel).
 */
export function latestOnly(task: () => Promise<void>, onError: (error: unknown) => void): () => void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    running = true;
    try {
      do {
        again = false;
        await task().catch(onError);
      } while (again);
    } finally {
      running = false;
    }
  };
  return () => {
    if (running) again = true;
    else void run();
  };
}
