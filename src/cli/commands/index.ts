import type { Command } from 'commander';
import { register as demo } from './demo.js';
import { register as train } from './train.js';
import { register as serve } from './serve.js';
import { register as remote } from './remote.js';

/**
 * Every CLI command module exports `register(program)`. Add one import and one line per module.
 */
export function registerCommands(program: Command): void {
  demo(program);
  train(program);
  serve(program);
  remote(program);
}
