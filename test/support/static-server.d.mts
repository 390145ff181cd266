// Types for static-server.mjs (plain JS so that it also runs by hand with node).
import type { Server } from 'node:http';

export const STRICT_CSP: string;
export function serveStatic(root: string, opts?: { port?: number; headers?: Record<string, string> }): Promise<Server>;
