// Demo organisation for `npm start`, and generated employees for load work.
import { randomBytes } from 'node:crypto';
import type { DB } from './connect.ts';
import { keyringOf, sealMobile } from './sealed-fields.ts';

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '罗',
  '高',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '刚',
  '桂英',
  '婷',
  '浩然',
  '子涵',
];

export function chineseName(i: number): string {
  return `${SURNAMES[i % SURNAMES.length] ?? '王'}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length] ?? '伟'}${
    i >= SURNAMES.length * GIVEN.length ? String(Math.floor(i / (SURNAMES.length * GIVEN.length))) : ''
  }`;
}

interface DemoDept {
  name: string;
  size: number;
  robot: boolean;
}

const DEMO: DemoDept[] = [
  { name: '研发部', size: 14, robot: true },
  { name: '产品部', size: 8, robot: false },
  { name: '市场部', size: 10, robot: true },
  { name: '财务部', size: 6, robot: true },
  { name: '人力资源部', size: 6, robot: true },
  { name: '行政部', size: 6, robot: false },
];

/** Seeds the demo company when the database has no employees yet; returns whether it did. */
export async function seedDemoOrganisation(db: DB): Promise<boolean> {
  const any = await db.selectFrom('employees').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  await db.transaction().execute(async (trx) => {
    const root = await trx
      .insertInto('departments')
      .values({ name: '示例科技有限公司', dingtalk_dept_id: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    let n = 0;
    const depts: { id: number; robot: boolean; memberIds: number[] }[] = [];
    for (const [i, d] of DEMO.entries()) {
      const dept = await trx
        .insertInto('departments')
        .values({ name: d.name, parent_id: root.id, dingtalk_dept_id: 100 + i })
        .returning('id')
        .executeTakeFirstOrThrow();
      const memberIds: number[] = [];
      for (let k = 0; k < d.size; k++, n++) {
        const num = String(n + 1).padStart(3, '0');
        const e = await trx
          .insertInto('employees')
          .values({
            dingtalk_user_id: `demo-u${num}`,
            dingtalk_union_id: `demo-union-${num}`,
            name: chineseName(n),
            department_id: dept.id,
            ...sealMobile(`138${String(10000000 + n * 7919).slice(0, 8)}`, keyringOf(trx)),
            manager_id: memberIds[0] ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        memberIds.push(e.id);
      }
      depts.push({ id: dept.id, robot: d.robot, memberIds });
    }
    const hr = depts[4] as { memberIds: number[] };
    for (const [i, d] of depts.entries()) {
      await trx
        .updateTable('departments')
        .set({ manager_id: d.memberIds[0] ?? null, hr_contact_id: hr.memberIds[1 + (i % 3)] ?? null })
        .where('id', '=', d.id)
        .execute();
      if (d.robot) {
        await trx
          .insertInto('department_robots')
          .values({
            department_id: d.id,
            webhook_token: `demo-robot-${d.id}`,
            signing_secret: `SECdemo${d.id}${'x'.repeat(20)}`,
          })
          .execute();
      }
    }
  });
  return true;
}

/** Adds `count` employees in `departments` generated departments (load tests, up to 100k). */
export async function seedGeneratedEmployees(
  db: DB,
  count: number,
  departments = Math.max(1, Math.ceil(count / 200)),
) {
  const tag = randomBytes(3).toString('hex');
  const deptIds: number[] = [];
  for (let i = 0; i < departments; i++) {
    const d = await db
      .insertInto('departments')
      .values({ name: `生成部门 ${tag}-${i + 1}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    deptIds.push(d.id);
  }
  const batch = 2000;
  for (let start = 0; start < count; start += batch) {
    const rows = Array.from({ length: Math.min(batch, count - start) }, (_, k) => {
      const i = start + k;
      return {
        dingtalk_user_id: `gen-${tag}-${i}`,
        dingtalk_union_id: `gen-union-${tag}-${i}`,
        name: chineseName(i),
        department_id: deptIds[i % deptIds.length] as number,
        ...sealMobile(`139${String(i).padStart(8, '0')}`, keyringOf(db)),
      };
    });
    await db.insertInto('employees').values(rows).execute();
  }
  return { tag, departmentIds: deptIds };
}

/** Everything the DingTalk fake must know to answer like DingTalk: users and group robots. */
export async function fakeDirectory(db: DB) {
  const users = await db
    .selectFrom('employees')
    .select(['dingtalk_user_id as userid', 'dingtalk_union_id as unionid', 'name'])
    .execute();
  const robots = await db
    .selectFrom('department_robots')
    .select(['webhook_token as token', 'signing_secret as secret'])
    .execute();
  return { users: users.map((u) => ({ ...u, unionid: u.unionid ?? '' })), robots };
}
