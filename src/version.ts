// The package version, written into saved model files (`generatedBy`). A test keeps it equal to package.json's.
export const VERSION = '0.1.0';
