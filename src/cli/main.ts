import { Command } from 'commander';

// The AWS SDK warns that its 2027 releases will need Node 22; the locked versions run on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { registerCommands } from './commands/index.js';
import { reportFatal } from './errors.js';

const program = new Command();
program
  .name('splitserve')
  .description('Self-hosted A/B testing for ML models, compatible with SageMaker multi-variant endpoints')
  .option('--data-dir <dir>', 'where splitserve keeps its data (env SPLITSERVE_DATA_DIR)', process.env.SPLITSERVE_DATA_DIR ?? './.splitserve')
  .option('--debug', 'print stack traces on errors')
  .showHelpAfterError();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  reportFatal(err, program.opts().debug === true || process.argv.includes('--debug'));
}
