import type { BuildOptions } from 'esbuild';

export declare const packageDir: string;
export declare function bundleOptions(outdir: string): BuildOptions;
export declare function copyStatic(outdir: string): Promise<void>;
export declare function buildSite(outdir: string): Promise<string>;
