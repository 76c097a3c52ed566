// Conditions: the surface the policy layer, the store and 'coffer' use.
// Re-exports only.

export {
  parseCondition,
  compileCondition,
  conditionHolds,
  failedParts,
  evaluateCondition,
  parseClientAddress,
  MAX_VALID_FOR_DAYS,
  MAX_MINUTES,
  CONDITION_CAPS,
} from './condition.js';
export type {
  Condition,
  TimeOfAccess,
  DateSchedule,
  DaysSchedule,
  ApprovalBlock,
  CompiledApproval,
  CompiledCondition,
  ClientAddress,
  ConditionPart,
  ConditionOutcome,
  ConditionInput,
  WeekdayInput,
} from './condition.js';
export type { Weekday } from './schedule.js';
