import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Config } from './config/schema.ts';
import type { Database } from './db/client.ts';
import { createApiKeyService } from './auth/api-keys.ts';
import { createAuth } from './auth/auth.ts';
import { authGuard } from './auth/guard.ts';
import { authRoutes } from './auth/routes.ts';
import { clientErrorHandler, frameworkErrors, registerErrorHandling, sendError } from './http/errors.ts';
import { metricsPlugin } from './http/metrics.ts';
import { originCheck } from './http/origin.ts';
import { inputGuard } from './http/input.ts';
import { pathGuard } from './http/paths.ts';
import { noStoreApi } from './http/cache-control.ts';
import { registerCompression } from './http/compression.ts';
import { loggerOptions, type LogStream } from './system/logger.ts';
import { isSpaRequest, readWebBuild, webPlugin, type WebBuild } from './http/web.ts';
import { systemRoutes } from './system/routes.ts';
import { createLedger, type Clock } from './billing/ledger.ts';
import { billingRoutes } from './billing/routes.ts';
import { claimRoutes } from './billing/claims.ts';
import { createProviderRegistry, type ProviderRegistry } from './providers/registry.ts';
import { createConversationStore, type ConversationStore } from './chat/conversations.ts';
import { createChatService, type ChatService } from './chat/service.ts';
import { createReplyBilling } from './billing/replies.ts';
import { chatRoutes } from './chat/routes.ts';
import { createReplyRelay } from './chat/relay.ts';
import { openAIRoutes } from './openai-api/routes.ts';
import { providerKeyRoutes } from './providers/user-keys-routes.ts';
import { createUserKeyStore } from './providers/user-keys.ts';
import { presetRoutes } from './presets/routes.ts';
import { paymentsPlugin } from './payments/routes.ts';
import { paymentsCsp } from './payments/stripe.ts';
import { VERSION } from './version.ts';

export interface AppOptions {
  config: Config;
  database: Database;
  secret: string;
  redis?: Redis | null;
  /** The built web app to serve; defaults to apps/web/dist when it exists. */
  web?: WebBuild | null;
  /** Time as the ledger sees it (claim cooldowns, refills); tests move it. */
  clock?: Clock;
  /** Where provider keys (OPENAI_API_KEY…) are read from; tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /** Where log lines go (a prettifier in a terminal, a capture in tests); default stdout as JSON. */
  logStream?: LogStream;
}

declare module 'fastify' {
  interface FastifyInstance {
    chat: ChatService;
    providers: ProviderRegistry;
    conversations: ConversationStore;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Origins a feature needs in the Content-Security-Policy, by directive. */
interface CspSources {
  scripts: string[];
  frames: string[];
  images: string[];
  connect: string[];
}

export function publicUrl(config: Config): string {
  return config.server.publicUrl ?? `http://localhost:${config.server.port}`;
}

/** Builds the whole HTTP application without listening, so tests can drive it in-process. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database, secret } = options;
  const redis = options.redis ?? null;
  const web = options.web === undefined ? readWebBuild() : options.web;
  const baseUrl = publicUrl(config);

  const app = Fastify({
    logger: loggerOptions(config.log.level, options.logStream),
    bodyLimit: config.server.bodyLimit,
    trustProxy: config.server.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    frameworkErrors,
    clientErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  await app.register(pathGuard);
  await app.register(originCheck, { baseUrl });
  await app.register(inputGuard);
  noStoreApi(app);
  // Before any route: the plugin attaches itself to each route as it is added.
  await registerCompression(app);

  // What features add to the Content-Security-Policy (Stripe.js and its frames, where payments are on).
  const featureCsp: CspSources[] = [paymentsCsp(config)];
  const allowed = (kind: keyof CspSources) => featureCsp.flatMap((sources) => sources[kind]);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...(web?.scriptHashes ?? []), ...allowed('scripts')],
        frameSrc: ["'self'", ...allowed('frames')],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...allowed('images')],
        connectSrc: ["'self'", ...allowed('connect')],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // The app is served over plain http on a laptop; HSTS belongs to the TLS terminator.
    strictTransportSecurity: false,
  });
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    ...(redis ? { redis, nameSpace: 'tessera:ratelimit:' } : {}),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tessera API', version: VERSION },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A personal API key (tsk_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'better-auth.session_token' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  if (config.metrics.token) await app.register(metricsPlugin, { token: config.metrics.token });

  const ledger = createLedger(database.db, config.billing, options.clock);
  const auth = createAuth({
    db: database.db,
    config,
    secret,
    baseUrl,
    log: app.log,
    onUserCreated: ledger.openAccount,
  });
  const apiKeys = createApiKeyService(database.db, { maxPerUser: config.auth.apiKeysPerUser });
  await app.register(authGuard, { auth, apiKeys });
  await app.register(systemRoutes, { config, database, redis });
  await app.register(authRoutes, { auth, apiKeys, config, baseUrl, database });
  await app.register(billingRoutes, { ledger, billing: config.billing });
  await app.register(claimRoutes, { db: database.db, ledger, billing: config.billing, clock: options.clock });
  // Users' own provider keys: saved through the provider-keys routes, read by the registry to call their models.
  const userKeys = createUserKeyStore(database.db, secret);
  const providers = createProviderRegistry(config, options.env ?? process.env, { userKeys });
  const store = createConversationStore(database.db);
  const replyBilling = createReplyBilling(ledger, config.billing.enabled);
  const chat = createChatService({
    db: database.db,
    databaseKind: database.kind,
    store,
    billing: replyBilling,
    providers,
    config,
    log: app.log,
  });
  const relay = redis ? createReplyRelay(redis) : null;
  await app.register(chatRoutes, { store, chat, providers, relay });
  await app.register(openAIRoutes, { providers, billing: replyBilling, config });
  await app.register(providerKeyRoutes, { userKeys, providers });
  await app.register(presetRoutes, { db: database.db });
  await app.register(paymentsPlugin, { config, db: database.db, ledger, clock: options.clock });
  app.decorate('chat', chat);
  app.decorate('providers', providers);
  app.decorate('conversations', store);
  // Replies in flight are stopped (their text saved, their usage billed) before connections drain.
  app.addHook('preClose', async () => {
    await chat.stopAll();
  });
  app.addHook('onClose', async () => relay?.close());
  if (web) await app.register(webPlugin, { build: web });

  app.setNotFoundHandler((request, reply) => {
    if (web && isSpaRequest(request.method, request.url)) {
      return reply.type('text/html').header('cache-control', 'no-cache').send(web.indexHtml);
    }
    return sendError(reply, 404, 'NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`);
  });

  return app;
}
