/** A configuration that cannot be used. `problems` has one line per problem, each naming the key
 * (or file) and where the bad value came from. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    const list = problems.length > 0 ? problems : ['unknown configuration problem'];
    super(`invalid configuration:\n  - ${list.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = list;
  }
}
