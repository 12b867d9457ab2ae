/**
 * Runs every example in order against a running splitserve (SPLITSERVE_URL), each in its own process as a
 * user would run them, and stops at the first failure.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ORDER = [
  'phase1_train_models.ts',
  'phase2_deploy_endpoint.ts',
  'phase3_test_traffic.ts',
  'phase4_monitor_metrics.ts',
  'ext1_model_quality.ts',
  'ext2_automated_promotion.ts',
  'ext3_bandit.ts',
  'rollback.ts',
  'ext4_model_registry.ts',
  'ext5_pipeline.ts',
  'phase5_cleanup.ts',
];

const here = dirname(fileURLToPath(import.meta.url));
for (const script of ORDER) {
  console.log(`\n=== ${script}`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(here, script)], { stdio: 'inherit', env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env } });
  if (res.status !== 0) {
    console.error(`${script} failed with exit code ${res.status}`);
    process.exit(1);
  }
}
