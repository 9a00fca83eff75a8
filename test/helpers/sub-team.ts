// A department as DingTalk imports often leave them: no manager, HR contact or robot of its own.
import { randomBytes } from 'node:crypto';
import { keyringOf, sealMobile } from '../../db/sealed-fields.ts';
import type { TestContext, TestEmployee } from './context.ts';

export async function subTeam(
  ctx: TestContext,
  parentId: number | null,
  size: number,
): Promise<{ id: number; name: string; members: TestEmployee[] }> {
  const tag = randomBytes(3).toString('hex');
  const name = `钉钉子团队${tag}`;
  const dept = await ctx.db
    .insertInto('departments')
    .values({ name, parent_id: parentId })
    .returning('id')
    .executeTakeFirstOrThrow();
  const members: TestEmployee[] = [];
  for (let i = 0; i < size; i++) {
    const userId = `u-sub-${tag}-${i}`;
    const unionId = `union-sub-${tag}-${i}`;
    const e = await ctx.db
      .insertInto('employees')
      .values({
        dingtalk_user_id: userId,
        dingtalk_union_id: unionId,
        name: `子团队成员${tag}${i}`,
        department_id: dept.id,
        ...sealMobile('13900000000', keyringOf(ctx.db)),
      })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    ctx.fake.state.directory.set(userId, { userid: userId, unionid: unionId, name: e.name });
    members.push({ id: e.id, name: e.name, userId, unionId, departmentId: dept.id });
  }
  return { id: dept.id, name, members };
}
