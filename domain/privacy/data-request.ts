// What an employee may ask HR about their data (PIPL) and where such a request stands; shared by
// the table, the API's validation and the admin UI's filters and labels.
export const dataRequestKinds = ['correction', 'deletion'] as const;
export type DataRequestKind = (typeof dataRequestKinds)[number];
export const dataRequestStatuses = ['pending', 'approved', 'rejected'] as const;
export type DataRequestStatus = (typeof dataRequestStatuses)[number];
