// English: react-admin's pack plus our own labels.
import englishMessages from 'ra-language-english';

export const appEn = {
  exports: {
    title: 'Exports',
    request: 'Export',
    recent: 'Recent exports',
    download: 'Download',
    queued: 'Large export started; it will appear below when ready',
    status: { queued: 'Queued', running: 'Running', done: 'Ready', failed: 'Failed', expired: 'Expired' },
  },
  app: {
    title: 'Health check-in',
    severity: { normal: 'Normal', warning: 'Warning', red: 'Red' },
    review_status: {
      pending: 'Pending',
      recheck_requested: 'Recheck requested',
      approved: 'Approved',
      rejected: 'Rejected',
    },
    login_hint: 'Sign in with the operator token (ADMIN_TOKEN)',
  },
  dashboard: {
    title: 'Today',
    expected: 'Expected',
    submitted: 'Submitted',
    pending: 'Pending',
    anomalies: 'Anomalies',
    missed: 'Missed',
    heatmap: 'Department compliance',
    trend: 'Anomaly trend',
    warnings: 'Warnings',
    reds: 'Reds',
    from: 'From',
    to: 'To',
    non_submitters: 'Not submitted yet',
    level: 'Reminder level',
    department: 'Department',
    all_departments: 'All departments',
    nobody: 'Everybody has submitted',
    refreshed: 'Refreshes every 10 s',
  },
  resources: {
    reviews: {
      name: 'Review |||| Reviews',
      fields: {
        id: 'No.',
        employee_name: 'Employee',
        department_name: 'Department',
        work_date: 'Date',
        severity: 'Severity',
        status: 'Status',
        escalated: 'Escalated to HR',
        decided_at: 'Decided at',
        comment: 'Comment',
        reasons: 'Reasons',
      },
    },
    records: {
      name: 'Record |||| Records',
      fields: {
        id: 'No.',
        employee_name: 'Employee',
        department_name: 'Department',
        work_date: 'Date',
        submitted_at: 'Submitted at',
        severity: 'Severity',
        status: 'Timing',
        form_version: 'Form version',
        rendered: 'Answers',
      },
    },
    employees: {
      name: 'Employee |||| Employees',
      fields: {
        id: 'No.',
        name: 'Name',
        department_name: 'Department',
        dingtalk_user_id: 'DingTalk user',
        mobile: 'Mobile',
        active: 'Active',
      },
    },
    departments: {
      name: 'Department |||| Departments',
      fields: {
        id: 'No.',
        name: 'Name',
        manager_name: 'Manager',
        hr_name: 'HR contact',
        time_zone: 'Time zone',
      },
    },
    reminders: {
      name: 'Reminder |||| Reminders',
      fields: {
        employee_name: 'Employee',
        department_name: 'Department',
        work_date: 'Date',
        level: 'Level',
        channel: 'Channel',
        status: 'Delivery',
        sent_at: 'Sent at',
      },
    },
  },
};

export const en = { ...englishMessages, ...appEn };
