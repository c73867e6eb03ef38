import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import {
  API_KEY_SCOPES,
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  PAYMENT_METHODS,
  PURCHASE_STATUSES,
  TRANSACTION_KINDS,
} from '@tessera/shared/constants';
import type { MessagePart, MessageUsage, ModelParams, ReplyError } from '@tessera/shared';
import type { Price } from '../config/schema.ts';

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

// The four tables better-auth manages (core schema plus the admin plugin's columns).
export const users = pgTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  emailVerified: boolean('email_verified').notNull().default(false),
  image: text('image'),
  role: text('role').notNull().default('user'),
  banned: boolean('banned').default(false),
  banReason: text('ban_reason'),
  banExpires: timestamp('ban_expires', { withTimezone: true }),
  ...timestamps,
});

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    token: text('token').notNull().unique(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    impersonatedBy: text('impersonated_by'),
    ...timestamps,
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
    scope: text('scope'),
    password: text('password'),
    ...timestamps,
  },
  (t) => [index('accounts_user_id_idx').on(t.userId)],
);

export const verifications = pgTable(
  'verifications',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ...timestamps,
  },
  (t) => [index('verifications_identifier_idx').on(t.identifier)],
);

/** Personal API keys; only a SHA-256 of the key is kept. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    /** `chat`: /v1 and the model list only; `full`: every route. Keys older than scopes are `full`. */
    scope: text('scope', { enum: API_KEY_SCOPES }).notNull().default('full'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [
    index('api_keys_user_id_idx').on(t.userId),
    check('api_keys_scope_known', sql`${t.scope} IN ('chat', 'full')`),
  ],
);

/** One-time facts about this installation, claimed atomically by inserting their key. */
export const instanceFlags = pgTable('instance_flags', {
  key: text('key').primaryKey(),
  value: text('value'),
  createdAt: timestamp('created_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});

/** A user's spendable credits. Changes only together with a row in `transactions`. */
export const balances = pgTable(
  'balances',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    credits: bigint('credits', { mode: 'number' })
      .notNull()
      .default(sql`0`),
    lastClaimAt: timestamp('last_claim_at', { withTimezone: true }),
    lastRefillAt: timestamp('last_refill_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('balances_credits_not_negative', sql`${t.credits} >= 0`)],
);

/** The append-only ledger: every change of a balance, its cause, and a unique idempotency key. */
export const transactions = pgTable(
  'transactions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: TRANSACTION_KINDS }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    balanceAfter: bigint('balance_after', { mode: 'number' }).notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    description: text('description'),
    endpoint: text('endpoint'),
    model: text('model'),
    conversationId: text('conversation_id'),
    messageId: text('message_id'),
    reservationId: text('reservation_id'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    cacheReadTokens: integer('cache_read_tokens'),
    cacheWriteTokens: integer('cache_write_tokens'),
    reasoningTokens: integer('reasoning_tokens'),
    /** Prices applied (USD per 1M tokens) so a charge can be explained later. */
    rates: jsonb('rates').$type<Price>(),
    paymentIntentId: text('payment_intent_id'),
    /** The administrator who caused an admin_adjust or grant. */
    actorId: text('actor_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('transactions_user_id_id_idx').on(t.userId, t.id),
    check('transactions_amount_sign', sql`${t.amount} <> 0 OR ${t.kind} IN ('spend', 'hold', 'release')`),
  ],
);

/** Credits held for a generation in flight: reserved before the provider call, settled after. */
export const reservations = pgTable(
  'reservations',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    status: text('status', { enum: ['held', 'settled', 'released'] })
      .notNull()
      .default('held'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [
    index('reservations_held_idx')
      .on(t.createdAt)
      .where(sql`${t.status} = 'held'`),
  ],
);

/** The title of a conversation until one is written for it (the web app shows it translated). */
export const DEFAULT_TITLE = 'New chat';

export const conversations = pgTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull().default(DEFAULT_TITLE),
    /** Whether the title was generated or set by the user (then it is never regenerated). */
    titleSet: boolean('title_set').notNull().default(false),
    endpoint: text('endpoint'),
    model: text('model'),
    systemPrompt: text('system_prompt'),
    params: jsonb('params').$type<ModelParams>().notNull().default({}),
    pinned: boolean('pinned').notNull().default(false),
    archived: boolean('archived').notNull().default(false),
    temporary: boolean('temporary').notNull().default(false),
    currentLeafId: text('current_leaf_id'),
    totalCost: bigint('total_cost', { mode: 'number' })
      .notNull()
      .default(sql`0`),
    ...timestamps,
  },
  (t) => [index('conversations_list_idx').on(t.userId, t.archived, t.pinned, t.updatedAt, t.id)],
);

/** Messages form a tree through parent_id: regenerations are siblings, edits start new branches. */
export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    parentId: text('parent_id'),
    role: text('role', { enum: MESSAGE_ROLES }).notNull(),
    /** The text parts joined (search, titles, old clients); `parts` is the message itself. */
    content: text('content').notNull().default(''),
    parts: jsonb('parts').$type<MessagePart[]>().notNull().default([]),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('complete'),
    error: jsonb('error').$type<ReplyError>(),
    endpoint: text('endpoint'),
    model: text('model'),
    usage: jsonb('usage').$type<MessageUsage>(),
    cost: bigint('cost', { mode: 'number' }),
    finishReason: text('finish_reason'),
    ttftMs: integer('ttft_ms'),
    durationMs: integer('duration_ms'),
    /** The generation writing this message (also its credit reservation's id). */
    generationId: text('generation_id'),
    /** Set by a stop request that reached another instance; the generating one polls it. */
    stopRequested: boolean('stop_requested').notNull().default(false),
    ...timestamps,
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
    index('messages_streaming_idx')
      .on(t.updatedAt)
      .where(sql`${t.status} = 'streaming'`),
  ],
);

/** A Stripe checkout: one row per (user, checkoutId), tied to one PaymentIntent; credited via the ledger. */
export const purchases = pgTable(
  'purchases',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    checkoutId: text('checkout_id').notNull(),
    packageId: text('package_id').notNull(),
    credits: bigint('credits', { mode: 'number' }).notNull(),
    /** Minor units of currency. */
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    paymentMethod: text('payment_method', { enum: PAYMENT_METHODS }).notNull(),
    paymentIntentId: text('payment_intent_id').unique(),
    status: text('status', { enum: PURCHASE_STATUSES }).notNull().default('pending'),
    creditedCredits: bigint('credited_credits', { mode: 'number' })
      .notNull()
      .default(sql`0`),
    reversedCredits: bigint('reversed_credits', { mode: 'number' })
      .notNull()
      .default(sql`0`),
    /** Reversals the balance could no longer cover (recorded for an administrator, not hidden). */
    uncoveredCredits: bigint('uncovered_credits', { mode: 'number' })
      .notNull()
      .default(sql`0`),
    refundedAmount: integer('refunded_amount').notNull().default(0),
    disputeId: text('dispute_id'),
    /** Why an administrator should look at this purchase (a dispute, a mismatched webhook). */
    flaggedReason: text('flagged_reason'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('purchases_user_checkout_idx').on(t.userId, t.checkoutId),
    index('purchases_user_created_idx').on(t.userId, t.createdAt),
  ],
);

/** Provider keys users bring for endpoints configured with `apiKey: user_provided`, encrypted at rest. */
export const userProviderKeys = pgTable(
  'user_provider_keys',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id').notNull(),
    /** AES-256-GCM of the key (iv, tag and ciphertext, base64), with a key derived from TESSERA_SECRET. */
    encrypted: text('encrypted').notNull(),
    /** The last characters of the key, to recognise it. */
    hint: text('hint').notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.userId, t.endpointId] })],
);

/** Saved model settings a user can start a conversation from. */
export const presets = pgTable(
  'presets',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    endpoint: text('endpoint'),
    model: text('model'),
    systemPrompt: text('system_prompt'),
    params: jsonb('params').$type<ModelParams>().notNull().default({}),
    ...timestamps,
  },
  (t) => [index('presets_user_idx').on(t.userId, t.updatedAt)],
);
