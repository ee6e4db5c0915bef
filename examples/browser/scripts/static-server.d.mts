export interface StaticServer {
  url: string;
  close(): Promise<void>;
}
export declare function serveStatic(root: string, port?: number): Promise<StaticServer>;
