// A config problem, named so that start-up can print one line per problem: the file, the key,
// the value, what is allowed. Here at the bottom because drivers check their own files too.
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}
