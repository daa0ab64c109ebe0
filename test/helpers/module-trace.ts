// `node --import tsx --import <this file> ...`: appends every package a child process imports
// (bare specifiers: 'mqtt', 'sqlite3' ...) to the file named by OQS_MODULE_TRACE, one per line, so
// a test can say which heavy modules a command loaded before it exited.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

type Resolve = (specifier: string, context: unknown, next: (specifier: string, context: unknown) => Promise<unknown>) => Promise<unknown>;

// Loaded twice: on the main thread (registers itself) and on the hooks thread (exports `resolve`).
if (isMainThread && process.env.OQS_MODULE_TRACE) register(import.meta.url);

export const resolve: Resolve = async (specifier, context, next) => {
  const file = process.env.OQS_MODULE_TRACE;
  if (file && !/^(\.|\/|node:|file:|data:)/.test(specifier)) appendFileSync(file, `${specifier}\n`);
  return next(specifier, context);
};
