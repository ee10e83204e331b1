/**
 * CloudTrail `eventName` → ECS categorization, as Elastic's `aws.cloudtrail` ingest pipeline
 * categorizes them (its "Add ECS categorization" table). Names not listed here are categorized by
 * `cloudtrail.ts` from the service and the verb.
 */
type Entry = readonly [category: string, types: readonly string[]];

const IAM_USER_CHANGE = [
  'AttachUserPolicy',
  'ChangePassword',
  'CreateAccessKey',
  'CreateVirtualMFADevice',
  'DeactivateMFADevice',
  'DeleteAccessKey',
  'DeleteSSHPublicKey',
  'DeleteUserPermissionsBoundary',
  'DeleteUserPolicy',
  'DeleteVirtualMFADevice',
  'DetachUserPolicy',
  'EnableMFADevice',
  'PutUserPermissionsBoundary',
  'PutUserPolicy',
  'TagUser',
  'UntagUser',
  'UpdateAccessKey',
  'UpdateLoginProfile',
  'UpdateSSHPublicKey',
  'UpdateUser',
];
const IAM_GROUP_CHANGE = [
  'AddUserToGroup',
  'AttachGroupPolicy',
  'DeleteGroupPolicy',
  'DetachGroupPolicy',
  'PutGroupPolicy',
  'RemoveUserFromGroup',
  'UpdateGroup',
];
const IAM_USER_INFO = [
  'GetUser',
  'GetUserPolicy',
  'ListAttachedUserPolicies',
  'ListGroupsForUser',
  'ListUserPolicies',
  'ListUsers',
  'ListUserTags',
];
const IAM_GROUP_INFO = ['GetGroup', 'GetGroupPolicy', 'ListAttachedGroupPolicies', 'ListGroupPolicies', 'ListGroups'];
const IAM_ADMIN_CHANGE = ['SetDefaultPolicyVersion', 'SetSecurityTokenServicePreferences', 'UpdateAccountPasswordPolicy', 'UpdateRole'];

export const CLOUDTRAIL_EVENT_NAMES: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ['AssumeRole', ['authentication', ['info']]],
  ['ConsoleLogin', ['authentication', ['info']]],
  ['CreateBucket', ['file', ['creation']]],
  ['DeleteBucket', ['file', ['deletion']]],
  ['CreateGroup', ['iam', ['group', 'creation']]],
  ['DeleteGroup', ['iam', ['group', 'deletion']]],
  ['CreateUser', ['iam', ['user', 'creation']]],
  ['DeleteUser', ['iam', ['user', 'deletion']]],
  ['CreateKeyPair', ['iam', ['admin', 'creation']]],
  ...IAM_USER_CHANGE.map((n) => [n, ['iam', ['user', 'change']]] as const),
  ...IAM_GROUP_CHANGE.map((n) => [n, ['iam', ['group', 'change']]] as const),
  ...IAM_USER_INFO.map((n) => [n, ['iam', ['user', 'info']]] as const),
  ...IAM_GROUP_INFO.map((n) => [n, ['iam', ['group', 'info']]] as const),
  ...IAM_ADMIN_CHANGE.map((n) => [n, ['iam', ['admin', 'change']]] as const),
]);
