// @kratos-ts/discovery/internal: what the kratos-ts packages share with each other. Not part of the
// API (left out of the API reference, no semver promise): an application imports `@kratos-ts/discovery`.

export { filterProblems } from './filters.js';
