// Verbatim from the policy-admin seed (shared/seeds/002_…): the first example
// of "the condition field … can be a string". Used by the condition and the
// policy suites, so the seed is quoted once.
export const SEED_CONDITION_STRING =
  '{"ipAddress":"0.0.0.0/8,10.10.25.15","timeOfAccess":{"dateSchedule":{"fromDate":"2023-07-31 00:00:00","toDate":"2023-12-15 00:00:00","timezone":"Pacific/Honolulu"},"daysSchedule":{"fromTime":"01:00:00","toTime":"23:30:00","timezone":"Pacific/Honolulu","days":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY"]}},"approval":{"approvers":{"userIds":["vaishali"]},"validFor":4,"isValidForInDays":true,"timeToApprove":60,"notificationMedium":["Email Only","teams-vw","Slack - Arpita"]}}';

// "5. Create a Policy", response: the condition as the seed's 201 shows it
// (missing parts null, approval keys in this order).
export const SEED_CREATE_RESPONSE_CONDITION = {
  ipAddress: null,
  timeOfAccess: null,
  approval: {
    approvers: { userIds: ['CCy1O21HXuzSNzCp8vWI'] },
    validFor: 300,
    isValidForInDays: true,
    timeToApprove: 300,
    notificationMedium: '12051835-cdf3-494b-a07e-923cb945b97b',
  },
};
