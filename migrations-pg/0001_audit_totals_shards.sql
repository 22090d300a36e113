-- The audit total in shards (issue 19, "Many nodes"). One row that every audit event's trigger
-- updated made every two transactions recording an event at the same time conflict at SERIALIZABLE
-- (the later failing with 40001 and running again): a start of 1,000 mock exams over two nodes
-- ran out of tries. Each event now adds to one of 16 rows, chosen by its id, so transactions at
-- the same moment (consecutive ids) touch different rows; readers sum the rows. The rows a shard
-- needs are made on first use (a moved database arrives with SQLite's one row, id 1).
CREATE OR REPLACE FUNCTION "audit_totals_adjust"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  shard integer := 1 + (CASE WHEN TG_OP = 'INSERT' THEN NEW."id" ELSE OLD."id" END) % 16;
  delta integer := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  INSERT INTO "audit_totals" ("id", "events") VALUES (shard, delta)
    ON CONFLICT ("id") DO UPDATE SET "events" = "audit_totals"."events" + excluded."events";
  RETURN NULL;
END
$$;
