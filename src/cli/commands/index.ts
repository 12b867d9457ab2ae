import type { Command } from 'commander';

/**
 * Every CLI command module exports `register(program)`. Add one import and one line per module.
 */
export function registerCommands(program: Command): void {
  void program;
}
