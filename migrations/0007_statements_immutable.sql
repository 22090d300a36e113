-- A statement is an immutable snapshot: only its revocation is ever written, once.
CREATE TRIGGER `statements_immutable` BEFORE UPDATE ON `statements`
WHEN NEW.`code` IS NOT OLD.`code` OR NEW.`trainee_id` IS NOT OLD.`trainee_id` OR NEW.`enterprise_id` IS NOT OLD.`enterprise_id`
  OR NEW.`snapshot` IS NOT OLD.`snapshot` OR NEW.`issued_by` IS NOT OLD.`issued_by` OR NEW.`issued_at` IS NOT OLD.`issued_at`
  OR NEW.`expires_at` IS NOT OLD.`expires_at` OR OLD.`revoked_at` IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'statements are immutable: only an unrevoked statement can be revoked');
END;
--> statement-breakpoint
CREATE TRIGGER `statements_undeletable` BEFORE DELETE ON `statements`
BEGIN
  SELECT RAISE(ABORT, 'statements are never deleted');
END;
