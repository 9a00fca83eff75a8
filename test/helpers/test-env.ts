// What the test runner hands to each test process (the one place tests read the environment).
import { basename } from 'node:path';

export function namespaceFor(testFile: string): string {
  return `hc-${basename(testFile, '.test.ts').replace(/[^a-z0-9-]/gi, '-')}`;
}

export function testEnv() {
  const e = process.env;
  const need = (k: string) => {
    const v = e[k];
    if (!v) throw new Error(`${k} is not set: run the tests with \`npm test\``);
    return v;
  };
  return {
    temporalAddress: need('TEST_TEMPORAL_ADDRESS'),
    pgBase: need('TEST_PG_BASE'),
    dbPrefix: need('TEST_DB_PREFIX'),
    dbTemplate: need('TEST_DB_TEMPLATE'),
    workflowBundle: need('TEST_WORKFLOW_BUNDLE'),
    root: need('TEST_ROOT'),
    recordHistories: e.RECORD_HISTORIES === '1',
  };
}
