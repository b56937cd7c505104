/** The guide's names, as templates. v1 is the same without `-v2`. */
export const defaultTemplates = {
  v1: {
    secret: 'db-password-{env}',
    'global-cluster': 'global-db-{env}',
    'primary-cluster': 'primary-db-cluster-{env}',
    'primary-instance': 'primary-db-instance-{i}-{env}',
    'dr-cluster': 'dr-db-cluster-{env}',
    'dr-instance': 'dr-db-instance-{i}-{env}',
    table: 'session-table-{env}',
  },
  v2: {
    secret: 'db-password-v2-{env}',
    'global-cluster': 'global-db-v2-{env}',
    'primary-cluster': 'primary-db-cluster-v2-{env}',
    'primary-instance': 'primary-db-instance-v2-{i}-{env}',
    'dr-cluster': 'dr-db-cluster-v2-{env}',
    'dr-instance': 'dr-db-instance-v2-{i}-{env}',
    table: 'session-table-v2-{env}',
  },
  parameters: {
    endpoint: '/app/{env}/database/endpoint',
    'password-secret': '/app/{env}/database/password-secret',
    'dynamodb-table': '/app/{env}/dynamodb/table',
  },
  'auto-scaling-groups': {
    primary: 'primary-asg-{env}',
    dr: 'dr-asg-{env}',
  },
} as const;

export const defaultRegions = { primary: 'us-east-1', dr: 'us-east-2' } as const;
export const defaultDatabase = { name: 'paymentsdb', user: 'dbadmin' } as const;
export const defaultAws = { maxAttempts: 5, retryMode: 'adaptive' } as const;
export const maxAttemptsRange = { min: 1, max: 20 } as const;
