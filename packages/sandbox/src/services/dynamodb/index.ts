import type { JsonService } from '../../protocols/types.js';

export function createDynamoDbService(): { service: JsonService; close(): Promise<void> } {
  return {
    service: {
      signingName: 'dynamodb',
      targetPrefix: 'DynamoDB_20120810',
      jsonVersion: '1.0',
      operations: {},
    },
    close: async () => {},
  };
}
