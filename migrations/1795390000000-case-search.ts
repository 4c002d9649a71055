import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finding a case the way a buyer or a platform names it (GET /v1/cases?platformCaseId=…&buyer=…): by the
 * platform's after-sales id whatever the platform, and by the buyer's id or the start of their nickname.
 * Archived cases included, so none of these is partial.
 */
export class CaseSearch1795390000000 implements MigrationInterface {
  name = 'CaseSearch1795390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX cases_shop_platform_case_id_idx ON cases (shop_id, platform_case_id) WHERE platform_case_id IS NOT NULL`);
    await q.query(`CREATE INDEX cases_shop_buyer_id_idx ON cases (shop_id, (buyer ->> 'id'))`);
    // text_pattern_ops: LIKE 'prefix%' compares code points, whatever the database's collation.
    await q.query(`CREATE INDEX cases_shop_buyer_nickname_idx ON cases (shop_id, (buyer ->> 'nickname') text_pattern_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cases_shop_buyer_nickname_idx`);
    await q.query(`DROP INDEX cases_shop_buyer_id_idx`);
    await q.query(`DROP INDEX cases_shop_platform_case_id_idx`);
  }
}
