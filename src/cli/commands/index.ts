import type { Command } from 'commander';
import { register as demo } from './demo.js';

/**
 * Every CLI command module exports `register(program)`. Add one import and one line per module.
 */
export function registerCommands(program: Command): void {
  demo(program);
}
