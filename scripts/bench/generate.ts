/**
 * Generates a Redwood monorepo for the benchmark: `apps/<name>/` Redwood apps of 60 to 140
 * functions each (webhooks with various verifiers, useRequireAuth wrappers, API-key and cron
 * endpoints, service calls, a few public, unauthenticated, TLS-disabling or key-holding ones),
 * with their src/lib helpers, services, scenarios, tests and web cells. The same seed and size
 * give the same tree, byte for byte.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Random } from './random';
import {
  MODELS,
  PROVIDERS,
  SHAPES,
  capital,
  endpointFiles,
  endpointTest,
  libFiles,
  plural,
  serviceFiles,
  webFiles,
  type Names,
  type Shape,
} from './templates';

export interface GenerateOptions {
  /** Number of serverless functions (endpoint modules) across all apps. */
  functions: number;
  seed: number;
}

export interface GeneratedTree {
  apps: number;
  functions: number;
  /** Every file written, JS/TS or not. */
  files: number;
  sourceFiles: number;
  bytes: number;
}

const APP_WORDS = ['billing', 'store', 'crm', 'ops', 'partner', 'support', 'growth', 'ledger', 'hr', 'inventory'];
const WEBHOOK_SHAPES = new Set<Shape>(['redwoodVerify', 'redwoodVerifyDedupe', 'stripe', 'libWrapped', 'libGithub', 'svix', 'hmacManual', 'swallowed', 'dirForm']);
const OTHER_SUFFIXES = ['Sync', 'Export', 'Report', 'Digest', 'Feed', 'Import', 'Summary', 'Reminder'];
/** graphql.ts and auth.ts, which every app has. */
const FIXED_FUNCTIONS = 2;

export function generateMonorepo(root: string, options: GenerateOptions): GeneratedTree {
  const rng = new Random(options.seed);
  const stats: GeneratedTree = { apps: 0, functions: 0, files: 0, sourceFiles: 0, bytes: 0 };
  const write = (file: string, text: string): void => {
    const target = path.join(root, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    stats.files++;
    stats.bytes += Buffer.byteLength(text);
    if (/\.[cm]?[jt]sx?$/.test(file)) stats.sourceFiles++;
  };

  write('package.json', `${JSON.stringify({ private: true, workspaces: ['apps/*/api', 'apps/*/web'] }, null, 2)}\n`);
  let remaining = options.functions;
  while (remaining > 0) {
    let size = Math.min(remaining, rng.int(60, 140));
    // A last app too small to be realistic joins the previous one's share.
    if (remaining - size < 30) size = remaining;
    const name = `${APP_WORDS[stats.apps % APP_WORDS.length]}-${String(stats.apps + 1).padStart(3, '0')}`;
    generateApp(`apps/${name}`, size, rng, write);
    stats.apps++;
    stats.functions += size;
    remaining -= size;
  }
  return stats;
}

type Write = (file: string, text: string) => void;

function generateApp(dir: string, functions: number, rng: Random, write: Write): void {
  const flags = { stubAuth: rng.chance(0.1), insecureHttp: rng.chance(0.2), hardcodedKey: rng.chance(0.15) };
  const models = pickModels(rng);
  write(`${dir}/redwood.toml`, REDWOOD_TOML(dir));
  write(`${dir}/package.json`, `${JSON.stringify({ private: true, workspaces: { packages: ['api', 'web'] } }, null, 2)}\n`);
  write(`${dir}/api/package.json`, API_PACKAGE);
  write(`${dir}/api/tsconfig.json`, API_TSCONFIG);
  write(`${dir}/.env.defaults`, ENV_DEFAULTS);
  for (const [file, text] of libFiles(rng, flags)) write(`${dir}/api/src/lib/${file}`, text);
  for (const model of models) {
    for (const [file, text] of serviceFiles(model)) write(`${dir}/api/src/services/${plural(model)}/${file}`, text);
    for (const [file, text] of webFiles(model)) write(`${dir}/web/src/${file}`, text);
  }
  write(`${dir}/api/src/functions/graphql.ts`, GRAPHQL_FUNCTION);
  write(`${dir}/api/src/functions/auth.ts`, AUTH_FUNCTION);

  const used = new Set<string>(['graphql', 'auth']);
  for (let i = 0; i < functions - FIXED_FUNCTIONS; i++) {
    const shape = rng.weighted(SHAPES);
    const model = rng.pick(models);
    const provider = rng.pick(PROVIDERS);
    const suffix = WEBHOOK_SHAPES.has(shape) ? 'Webhook' : rng.pick(OTHER_SUFFIXES);
    let name = `${provider}${capital(model)}${suffix}`;
    for (let k = 2; used.has(name); k++) name = `${provider}${capital(model)}${suffix}${k}`;
    used.add(name);
    const names: Names = { name, model, service: plural(model), env: `${provider.toUpperCase()}_WEBHOOK_SECRET`, provider };
    const files = endpointFiles(shape, names, rng);
    for (const [file, text] of files) write(`${dir}/api/src/functions/${file}`, text);
    if (rng.chance(0.3)) {
      const main = files[0][0];
      write(`${dir}/api/src/functions/${main.replace(/\.ts$/, '.test.ts')}`, endpointTest(names, main));
    }
  }
}

function pickModels(rng: Random): string[] {
  const count = rng.int(6, 10);
  const pool = [...MODELS];
  const picked: string[] = [];
  while (picked.length < count) picked.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]);
  return picked.sort();
}

const REDWOOD_TOML = (dir: string): string => `[web]
  title = "${path.basename(dir)}"
  port = 8910
  apiUrl = "/.redwood/functions"
[api]
  port = 8911
[browser]
  open = true
`;

const API_PACKAGE = `${JSON.stringify(
  {
    name: 'api',
    version: '0.0.0',
    private: true,
    dependencies: { '@redwoodjs/api': '8.9.0', '@redwoodjs/graphql-server': '8.9.0', stripe: '23.1.0', svix: '1.99.1' },
  },
  null,
  2,
)}\n`;

const API_TSCONFIG = `{
  "compilerOptions": {
    "noEmit": true,
    "allowJs": true,
    "esModuleInterop": true,
    "target": "ES2023",
    "module": "Node16",
    "moduleResolution": "Node16",
    "baseUrl": "./",
    "rootDirs": ["./src", "../.redwood/types/mirror/api/src"],
    "paths": {
      "src/*": ["./src/*", "../.redwood/types/mirror/api/src/*"],
      "types/*": ["./types/*", "../types/*"]
    },
    "typeRoots": ["../node_modules/@types", "./node_modules/@types"],
    "types": ["jest"]
  },
  "include": ["src", "../.redwood/types/includes/all-*", "../.redwood/types/includes/api-*", "../types"]
}
`;

const ENV_DEFAULTS = `# These environment variables will be used by default if you do not create any
# yourself in .env. This file should be safe to check into your version control
# system. Any custom values should go in .env and .env should *not* be checked
# into version control.

# schema.prisma defaults
DATABASE_URL=file:./dev.db

# location of the test database for api service scenarios (defaults to ./.redwood/test.db if not set)
# TEST_DATABASE_URL=file:./.redwood/test.db

# disables Prisma CLI update notifier
PRISMA_HIDE_UPDATE_MESSAGE=true
`;

const GRAPHQL_FUNCTION = `import { createAuthDecoder } from '@redwoodjs/auth-dbauth-api'
import { createGraphQLHandler } from '@redwoodjs/graphql-server'

import directives from 'src/directives/**/*.{js,ts}'
import sdls from 'src/graphql/**/*.sdl.{js,ts}'
import services from 'src/services/**/*.{js,ts}'

import { cookieName, getCurrentUser } from 'src/lib/auth'
import { db } from 'src/lib/db'
import { logger } from 'src/lib/logger'

const authDecoder = createAuthDecoder(cookieName)

export const handler = createGraphQLHandler({
  authDecoder,
  getCurrentUser,
  loggerConfig: { logger, options: {} },
  directives,
  sdls,
  services,
  onException: () => {
    db.$disconnect()
  },
})
`;

const AUTH_FUNCTION = `import type { APIGatewayProxyEvent, Context } from 'aws-lambda'

import { DbAuthHandler } from '@redwoodjs/auth-dbauth-api'
import type { DbAuthHandlerOptions } from '@redwoodjs/auth-dbauth-api'

import { cookieName } from 'src/lib/auth'
import { db } from 'src/lib/db'

export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  const forgotPasswordOptions: DbAuthHandlerOptions['forgotPassword'] = {
    handler: (user) => user,
    expires: 60 * 60 * 24,
    errors: { usernameNotFound: 'Username not found', usernameRequired: 'Username is required' },
  }
  const loginOptions: DbAuthHandlerOptions['login'] = {
    handler: (user) => user,
    errors: { usernameOrPasswordMissing: 'Both username and password are required', usernameNotFound: 'Username not found', incorrectPassword: 'Incorrect password' },
    expires: 60 * 60 * 24 * 365 * 10,
  }
  const authHandler = new DbAuthHandler(event, context, {
    db,
    authModelAccessor: 'user',
    authFields: { id: 'id', username: 'email', hashedPassword: 'hashedPassword', salt: 'salt', resetToken: 'resetToken', resetTokenExpiresAt: 'resetTokenExpiresAt' },
    cookie: { attributes: { HttpOnly: true, Path: '/', SameSite: 'Strict', Secure: process.env.NODE_ENV !== 'development' }, name: cookieName },
    forgotPassword: forgotPasswordOptions,
    login: loginOptions,
    resetPassword: { handler: () => true, allowReusedToken: true, errors: {} },
    signup: { handler: ({ username, hashedPassword, salt }) => db.user.create({ data: { email: username, hashedPassword, salt } }), passwordValidation: () => true, errors: {} },
  })
  return await authHandler.invoke()
}
`;
