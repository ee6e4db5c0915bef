/** True in Node (also under Bun/Deno's Node layer); false in browsers and web workers. */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}
