ALTER TABLE "enterprises" ALTER COLUMN "name" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "jurisdictions" ALTER COLUMN "code" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "sites" ALTER COLUMN "name" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "blueprint_versions" ALTER COLUMN "blueprint_key" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "lesson_versions" ALTER COLUMN "lesson_key" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "question_versions" ALTER COLUMN "question_key" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "trainees" ALTER COLUMN "full_name" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "cohorts" ALTER COLUMN "name" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "curricula" ALTER COLUMN "title" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "trainee_learning" ALTER COLUMN "full_name" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "inspection_guards" ALTER COLUMN "full_name" SET DATA TYPE text COLLATE "C";