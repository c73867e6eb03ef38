ALTER TABLE "messages" ADD COLUMN "parts" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- Messages written before parts existed: their text becomes one text part.
UPDATE "messages" SET "parts" = jsonb_build_array(jsonb_build_object('type', 'text', 'text', "content")) WHERE "content" <> '';
