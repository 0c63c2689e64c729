import type { AppInfo } from '@kratos-ts/core';

/** An `AppInfo` as a kernel built from `{ id, name: 'greeter', version: '1.0.0' }` holds it. */
export function appInfo(overrides: Partial<AppInfo> = {}): AppInfo {
  return {
    id: 'instance-7f3a',
    name: 'greeter',
    version: '1.0.0',
    metadata: { region: 'eu-west-1' },
    endpoints: [],
    ...overrides,
  };
}
