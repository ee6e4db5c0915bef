/** Fetches a file the page needs; errors name its URL and the HTTP status. */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function fetchJson(url: string): Promise<unknown> {
  const text = new TextDecoder().decode(await fetchBytes(url));
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${url} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
