/** The audit log's action names: one constant per kind of event, shared by the API, CLI and report. */
export const AuditAction = {
  login: 'login',
  loginFailed: 'login-failed',
  lockout: 'lockout',
  logout: 'logout',
  search: 'search',
  viewHit: 'view-hit',
  viewDetection: 'view-detection',
  viewImage: 'view-image',
  export: 'export',
  disposition: 'disposition',
  hotlistRead: 'hotlist-read',
  hotlistEnter: 'hotlist-enter',
  hotlistApprove: 'hotlist-approve',
  hotlistRenew: 'hotlist-renew',
  hotlistExpire: 'hotlist-expire',
  hotlistImport: 'hotlist-import',
  holdAdd: 'hold-add',
  holdRelease: 'hold-release',
  holdList: 'hold-list',
  releaseRequest: 'release-request',
  releaseApprove: 'release-approve',
  releaseRefuse: 'release-refuse',
  releaseRoute: 'release-records-process',
  purge: 'purge',
  userAdd: 'user-add',
  userTrain: 'user-train',
  userPassword: 'user-password',
  userDisable: 'user-disable',
  userEnable: 'user-enable',
  userList: 'user-list',
  auditRead: 'audit-read',
  auditReport: 'audit-report',
  accessDenied: 'access-denied',
} as const;

export type AuditActionName = (typeof AuditAction)[keyof typeof AuditAction];

/** Actions that looked at ALPR data (the report's "accesses"). */
export const DATA_ACCESS_ACTIONS: ReadonlySet<string> = new Set([
  AuditAction.search,
  AuditAction.viewHit,
  AuditAction.viewDetection,
  AuditAction.viewImage,
  AuditAction.export,
  AuditAction.hotlistRead,
  AuditAction.holdList,
]);
