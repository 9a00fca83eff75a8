// Simplified Chinese: the newest community pack (react-admin 4) over the English one, completed
// with the keys react-admin 5 added, plus our own labels. A test walks every key.
import chinesePack from '@haxqer/ra-language-chinese';
import englishMessages from 'ra-language-english';

type Messages = { [key: string]: string | Messages };

const deepMerge = (...layers: Messages[]): Messages => {
  const out: Messages = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      const prev = out[k];
      out[k] = typeof v === 'object' && typeof prev === 'object' ? deepMerge(prev, v) : v;
    }
  }
  return out;
};

// The package is CommonJS with a nested default export.
const pack = chinesePack as unknown as { default?: Messages } & Messages;
const chineseV4 = pack.default && 'ra' in pack.default ? pack.default : pack;

/** Keys react-admin 5 has that the v4 pack lacks. */
const v5Additions: Messages = {
  ra: {
    action: { reset: '重置', search_columns: '搜索列', select_all_button: '全选' },
    page: { access_denied: '无权访问', authentication_error: '认证错误' },
    message: {
      access_denied: '您没有访问此页面的权限',
      authentication_error: '认证服务返回错误，无法验证您的凭据。',
      select_all_limit_reached: '可选项过多，仅选中了前 %{max} 项。',
      placeholder_data_warning: '网络问题：数据刷新失败。',
    },
    navigation: {
      clear_filters: '清除筛选',
      no_filtered_results: '当前筛选条件下没有%{name}',
      page_range_info: '第 %{offsetBegin}-%{offsetEnd} 条，共 %{total} 条',
      partial_page_range_info: '第 %{offsetBegin}-%{offsetEnd} 条，超过 %{offsetEnd} 条',
    },
    auth: { email: '邮箱' },
    notification: { offline: '网络未连接，无法获取数据。' },
    validation: { unique: '必须唯一' },
    guesser: { empty: { title: '没有可显示的数据', message: '请检查数据源' } },
    configurable: { inspector: { title: '检查器' } },
  },
};

export const appZh = {
  employees: {
    import: {
      button: '导入',
      title: '从 CSV 导入员工',
      help: 'UTF-8 编码，第一行为表头。必填列：dingtalk_user_id（钉钉用户 ID）、name（姓名）、department（部门名称或编号）；可选列：manager_user_id（主管的钉钉用户 ID，可以是本文件中的人）、mobile、active（是/否）、time_zone、dingtalk_union_id、workdays（如 1;2;3;4;5）。按钉钉用户 ID 新增或更新；文件中没有的列保持不变。有任何错误时不导入任何数据。最多 5000 行、500 KB。',
      choose: '选择 CSV 文件',
      summary: '检查通过：共 %{rows} 行，将新增 %{created} 人，更新 %{updated} 人，%{unchanged} 人不变',
      has_errors: '文件有 %{count} 处错误，未导入任何数据',
      line: '行',
      column: '列',
      problem: '问题',
      confirm: '确认导入',
      done: '已导入：新增 %{created} 人，更新 %{updated} 人，%{unchanged} 人不变',
    },
  },
  calendar: {
    title: '工作日历',
    year: '年份',
    not_covered: '尚无 %{year} 年的法定节假日数据：目前仅按周末休息，请在下方录入该年的节假日与调休。',
    day_off: '休息日',
    workday: '工作日',
    note: '备注',
    source: { company: '公司设置', statutory: '法定', weekend_fallback: '周末规则' },
  },
  leaves: { kind: { leave: '请假', business_trip: '出差' } },
  settings: {
    title: '打卡设置',
    time_zone: '时区（IANA）',
    window_start: '开放时间',
    window_end: '截止时间',
    level_1: '一级：工作通知',
    level_2: '二级：群内@主管',
    level_3: '三级：HR 电话待办',
    late_accept: '接受迟交',
    late_refuse: '拒绝迟交',
    late_grace: '迟交宽限（分钟）',
    ding_phone: '三级时发送 DING 电话',
    effective_from: '生效日期',
    effective_help: '留空 = 明天生效；今天保持原设置',
    saved: '已保存，%{date} 起生效',
    versions: '历史版本',
  },
  exports: {
    title: '报表导出',
    request: '导出',
    recent: '最近的导出',
    download: '下载',
    queued: '导出数据较多，已在后台生成，完成后可在下方下载',
    status: { queued: '排队中', running: '生成中', done: '已完成', failed: '失败', expired: '已过期' },
  },
  app: {
    title: '健康打卡',
    severity: { normal: '正常', warning: '预警', red: '高危' },
    review_status: { pending: '待复核', recheck_requested: '待复测', approved: '已通过', rejected: '未通过' },
  },
  auth: {
    dingtalk: '钉钉扫码登录',
    or_local: '或使用本地管理员账号',
    too_many_attempts: '尝试次数过多，请稍后再试',
  },
  reviews: {
    approve: '通过',
    reject: '不通过',
    request_recheck: '要求复测',
    comment: '处理意见',
    decided: { approve: '已通过', reject: '已标记为不通过', request_recheck: '已要求员工复测' },
  },
  audit: { outcome: { success: '成功', denied: '拒绝', failure: '失败' } },
  dashboard: {
    title: '今日概况',
    expected: '应打卡',
    submitted: '已提交',
    pending: '未提交',
    anomalies: '异常',
    missed: '已缺卡',
    heatmap: '部门打卡率热力图',
    trend: '异常趋势',
    warnings: '预警',
    reds: '高危',
    from: '开始日期',
    to: '结束日期',
    non_submitters: '实时未填报名单',
    level: '已提醒级别',
    department: '部门',
    all_departments: '全部部门',
    nobody: '全部已提交',
    refreshed: '每 10 秒自动刷新',
    showing_first: '显示提醒级别最高的 %{shown} 人，共 %{total} 人未提交',
  },
  resources: {
    reviews: {
      name: '复核',
      fields: {
        id: '编号',
        employee_name: '员工',
        department_name: '部门',
        work_date: '日期',
        severity: '异常级别',
        status: '状态',
        escalated: '已升级至 HR',
        decided_at: '处理时间',
        comment: '备注',
        reasons: '异常原因',
      },
    },
    records: {
      name: '打卡记录',
      fields: {
        id: '编号',
        employee_name: '员工',
        department_name: '部门',
        work_date: '日期',
        submitted_at: '提交时间',
        severity: '异常级别',
        status: '是否迟交',
        form_version: '表单版本',
        rendered: '填报内容',
      },
    },
    employees: {
      name: '员工',
      fields: {
        id: '编号',
        name: '姓名',
        department_id: '部门',
        department_name: '部门',
        manager_id: '直属主管',
        time_zone: '时区',
        dingtalk_user_id: '钉钉用户',
        mobile: '手机号',
        active: '在职',
      },
    },
    departments: {
      name: '部门',
      fields: {
        id: '编号',
        name: '名称',
        parent_id: '上级部门',
        manager_id: '主管',
        manager_name: '主管',
        hr_contact_id: 'HR 联系人',
        hr_name: 'HR 联系人',
        time_zone: '时区',
      },
    },
    leaves: {
      name: '请假与出差',
      fields: {
        employee_id: '员工',
        employee_name: '员工',
        department_name: '部门',
        kind: '类型',
        from_date: '开始日期',
        to_date: '结束日期',
        note: '备注',
        source: '来源',
        active_on: '日期',
      },
    },
    audit: {
      name: '审计日志',
      fields: {
        id: '编号',
        at: '时间',
        actor: '操作人',
        actor_roles: '角色',
        action: '操作',
        target_type: '对象类型',
        target_id: '对象',
        outcome: '结果',
        status: 'HTTP 状态',
        ip: 'IP',
        user_agent: '浏览器',
        request_id: '请求编号',
        at_gte: '开始时间',
        at_lte: '结束时间',
      },
    },
    reminders: {
      name: '提醒记录',
      fields: {
        employee_name: '员工',
        department_name: '部门',
        work_date: '日期',
        level: '级别',
        channel: '渠道',
        status: '送达状态',
        sent_at: '发送时间',
      },
    },
  },
  form_renderer: {
    yes: '是',
    no: '否',
    prefilled: '已按上次填写',
    location_none: '尚未定位',
    location_not_provided: '未提供',
    photo_none: '未上传照片',
    photo_attached: '已上传照片',
  },
};

export const zh = deepMerge(englishMessages as unknown as Messages, chineseV4, v5Additions, appZh);
