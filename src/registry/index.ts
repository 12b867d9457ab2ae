export { Registry, RegistryError, type ModelVersion, type RegisterInput, type Framework } from './registry.js';
export { importModelFile, extractModelFromTarGz, toXgboostJson, isGzip, isXgboostJson, SAGEMAKER_XGBOOST_FILE, type ImportInput } from './import.js';
export { REGISTRY_MIGRATIONS } from './migrations.js';
export { ModelPackages, PACKAGE_MIGRATIONS, type ModelPackage, type PackageGroup, type ApprovalStatus } from './packages.js';
