import { z } from 'zod';

export const errorBodySchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
  }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** One field-level problem in a VALIDATION_ERROR, named by its dotted path. */
export const fieldIssueSchema = z.object({ field: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;
