export { comparePostgres, PostgresParity } from './compare.js';
export { ParityError } from './errors.js';
export { parityChecks, describeSchemaDifference, type ParityFindings } from './checks.js';
export { KEY_LISTING_ROW_LIMIT } from './key-differences.js';
export type { RowDigest } from './row-hash.js';
export type {
  ConsistentCut,
  KeyDifference,
  ParityOptions,
  RangeDifference,
  SchemaDifference,
  SchemaDifferenceKind,
  SequenceParity,
  SequenceParityStatus,
  TableParity,
  TableParityStatus,
} from './types.js';
